package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.MonitoringSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring layer's desired state, from the seed's "Cost Monitoring" and "Audit Logging"
 * sections. Pure. Logical ids: {@code monitoring/topic/<topic>}, {@code monitoring/budget/<name>},
 * {@code monitoring/anomaly-monitor/<name>}, {@code monitoring/anomaly-subscription/<name>},
 * {@code monitoring/bucket/<bucket>}, {@code monitoring/trail/<trail>}.
 */
public final class MonitoringDesired {
    public static final ResourceKind TOPIC = ResourceKind.of("sns-topic", false);
    public static final ResourceKind BUDGET = ResourceKind.of("budget", false);
    /** A monitor's type and dimension are fixed at creation. */
    public static final ResourceKind ANOMALY_MONITOR = ResourceKind.of("anomaly-monitor", false, "monitorType", "monitorDimension");
    public static final ResourceKind ANOMALY_SUBSCRIPTION = ResourceKind.of("anomaly-subscription", false);
    /** The audit log bucket holds the logs: deleting it is destructive. */
    public static final ResourceKind LOG_BUCKET = ResourceKind.of("s3-bucket", true);
    public static final ResourceKind TRAIL = ResourceKind.of("cloudtrail-trail", false);

    public static final String IMPACT_KEY = "ANOMALY_TOTAL_IMPACT_ABSOLUTE";
    static final String LIFECYCLE_RULE_ID = "expire-trail-logs";
    /** The value of a setting that must be absent (a null desired value would not be compared). */
    static final String NONE = "none";

    private MonitoringDesired() {}

    public static String topicId(String name) { return "monitoring/topic/" + name; }
    public static String budgetId(String name) { return "monitoring/budget/" + name; }
    public static String monitorId(String name) { return "monitoring/anomaly-monitor/" + name; }
    public static String subscriptionId(String name) { return "monitoring/anomaly-subscription/" + name; }
    public static String bucketId(String name) { return "monitoring/bucket/" + name; }
    public static String trailId(String name) { return "monitoring/trail/" + name; }

    /** The AWS name in a logical id: "monitoring/budget/qualisys-monthly-500" → "qualisys-monthly-500". */
    static String nameOf(String logicalId) {
        return logicalId.substring(logicalId.indexOf('/', logicalId.indexOf('/') + 1) + 1);
    }

    /**
     * The hub's budget function, subscribed to this account's alert topic: Budgets and Cost Anomaly Detection
     * publish in the environment's account, the control plane answers from the hub (docs/accounts.md). The hub
     * stack lets this topic, and only it, invoke the function. None without a hub account in the spec.
     */
    static List<String> controlPlaneSubscriptions(EnvironmentSpec spec) {
        String hub = spec.aws().hubAccountId();
        return hub == null ? List.of() : List.of(FunctionCatalog.BUDGET_ALERT.liveAliasArn(spec.aws().region(), hub));
    }

    public static List<DesiredResource> of(EnvironmentSpec spec) {
        MonitoringSpec m = spec.monitoring();
        String region = spec.aws().region();
        String env = spec.environment();
        String topicRef = DesiredResource.ref(topicId(m.alertTopic()));
        List<DesiredResource> out = new ArrayList<>();

        out.add(resource(topicId(m.alertTopic()), TOPIC, Map.of(
                AlertTopic.POLICY, PolicyDocument.canonical(AccessPolicies.alertTopic(region, m.alertTopic())),
                AlertTopic.KMS_KEY, NONE,
                "emailSubscriptions", List.of(m.alertEmail()),
                "controlPlaneSubscriptions", controlPlaneSubscriptions(spec),
                "tags", Tags.identity(env, topicId(m.alertTopic()), m.alertTopic()))));

        for (MonitoringSpec.Budget b : m.budgets()) {
            out.add(resource(budgetId(b.name()), BUDGET, Map.of(
                    "limitUsd", b.limitUsd(),
                    "timeUnit", "MONTHLY",
                    "budgetType", "COST",
                    CostBudgets.SCOPE, List.of(),
                    "notifications", BudgetNotifications.desired(b, "SNS:" + topicRef))));
        }

        MonitoringSpec.AnomalyDetection a = m.anomalyDetection();
        String monitorRef = DesiredResource.ref(monitorId(a.monitorName()));
        out.add(resource(monitorId(a.monitorName()), ANOMALY_MONITOR, Map.of("monitorType", "DIMENSIONAL", "monitorDimension", "SERVICE")));
        String threshold = AnomalyThreshold.describe(IMPACT_KEY, a.impactThresholdUsd());
        out.add(resource(subscriptionId(a.subscriptionName()), ANOMALY_SUBSCRIPTION, Map.of(
                "frequency", "IMMEDIATE",
                "monitors", List.of(monitorRef),
                "subscribers", List.of("SNS:" + topicRef),
                "threshold", threshold)));
        out.add(resource(subscriptionId(a.digestSubscriptionName()), ANOMALY_SUBSCRIPTION, Map.of(
                "frequency", a.digestFrequency(),
                "monitors", List.of(monitorRef),
                "subscribers", List.of("EMAIL:" + a.digestEmail()),
                "threshold", threshold)));

        MonitoringSpec.CloudTrail t = m.cloudTrail();
        Map<String, Object> pab = new LinkedHashMap<>();
        for (String key : List.of("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")) pab.put(key, true);
        out.add(resource(bucketId(t.bucket()), LOG_BUCKET, Map.of(
                "encryption", "AES256",
                "publicAccessBlock", pab,
                "policy", PolicyDocument.canonical(AccessPolicies.trailBucket(t.bucket(), region, t.trailName())),
                "lifecycle", List.of(lifecycleRule(LIFECYCLE_RULE_ID, "Enabled", "", t.logRetentionDays())),
                "tags", Tags.identity(env, bucketId(t.bucket()), t.bucket()))));

        out.add(resource(trailId(t.trailName()), TRAIL, Map.of(
                "bucket", DesiredResource.ref(bucketId(t.bucket())),
                "multiRegion", t.multiRegion(),
                "globalServiceEvents", t.globalServiceEvents(),
                "logFileValidation", t.logFileValidation(),
                "logging", true,
                ManagementTrail.DELIVERY, ManagementTrail.noDelivery(),
                "eventSelectors", List.of(eventSelector("All", t.managementEvents(), List.of(), List.of())),
                "tags", Tags.identity(env, trailId(t.trailName()), t.trailName()))));
        return out;
    }

    static String noneIfBlank(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }

    /** A lifecycle rule as an attribute value: what the seed asks of one (expiry of every object). */
    static Map<String, Object> lifecycleRule(String id, String status, String prefix, Integer expirationDays) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("status", status);
        rule.put("prefix", prefix);
        rule.put("expirationDays", expirationDays);
        return rule;
    }

    /** A basic CloudTrail event selector as an attribute value. */
    static Map<String, Object> eventSelector(String readWriteType, boolean includeManagementEvents, List<String> dataResources,
                                             List<String> excludedSources) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("readWriteType", readWriteType);
        s.put("includeManagementEvents", includeManagementEvents);
        s.put("dataResources", dataResources.stream().sorted().toList());
        s.put("excludeManagementEventSources", excludedSources.stream().sorted().toList());
        return s;
    }

    private static DesiredResource resource(String id, ResourceKind kind, Map<String, Object> attributes) {
        return new DesiredResource(id, kind, new LinkedHashMap<>(attributes));
    }
}
