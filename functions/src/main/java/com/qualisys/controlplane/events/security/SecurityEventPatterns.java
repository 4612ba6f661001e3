package com.qualisys.controlplane.events.security;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The EventBridge rules (as data) that route security-relevant CloudTrail events of one environment to
 * the security-response state machine; the CDK app creates one rule per entry. Each pattern matches
 * "AWS API Call via CloudTrail" events of one service, the watched calls of {@link WatchedCalls}, only
 * successful calls ({@code errorCode} absent), and where the request names the resource, only the
 * managed one. The classifier checks all of it again: patterns narrow the traffic, they are not trusted.
 *
 * <p>IAM is a global service whose CloudTrail events reach EventBridge in us-east-1 only: the rules
 * belong in us-east-1 (the environments' region).
 */
public final class SecurityEventPatterns {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One rule: its name (unique per environment), what it is for, and the event pattern JSON. */
    public record EventRule(String name, String description, ObjectNode pattern) {
        public String patternJson() {
            return pattern.toString();
        }
    }

    private SecurityEventPatterns() {}

    /**
     * A rule's pattern restricted to the events of the environment's own account: the hub's rules all
     * listen on one bus where every spoke forwards, so one event starts one execution, for the
     * environment it happened in.
     */
    public static String inAccount(EventRule rule, EnvironmentSpec spec) {
        ObjectNode pattern = rule.pattern().deepCopy();
        pattern.putArray("account").add(spec.aws().accountId());
        return pattern.toString();
    }

    public static List<EventRule> rules(EnvironmentSpec spec) {
        ManagedResources managed = new ManagedResources(spec);
        String prefix = "qualisys-" + spec.environment() + "-security-";
        List<EventRule> rules = new ArrayList<>();

        List<String> network = new ArrayList<>();
        network.addAll(WatchedCalls.names(WatchedCalls.EC2, SecurityClass.SECURITY_GROUPS));
        network.addAll(WatchedCalls.names(WatchedCalls.EC2, SecurityClass.NETWORK_ACLS));
        network.addAll(WatchedCalls.names(WatchedCalls.EC2, SecurityClass.ROUTES));
        network.addAll(WatchedCalls.names(WatchedCalls.EC2, SecurityClass.AUDIT_LOGGING));
        rules.add(new EventRule(prefix + "network", "Security group, network ACL, route and flow-log changes",
                pattern(WatchedCalls.EC2, network, null)));

        // StopLogging, DeleteTrail and UpdateTrail name the trail "name"; PutEventSelectors names it "trailName".
        ObjectNode trail = pattern(WatchedCalls.CLOUDTRAIL, WatchedCalls.names(WatchedCalls.CLOUDTRAIL, SecurityClass.AUDIT_LOGGING), null);
        ArrayNode either = ((ObjectNode) trail.get("detail")).putArray("$or");
        for (String key : List.of("name", "trailName")) {
            either.addObject().putObject("requestParameters")
                    .set(key, anyOf(List.of(managed.trailName()), "suffix", List.of(":trail/" + managed.trailName())));
        }
        rules.add(new EventRule(prefix + "trail", "CloudTrail logging stopped, trail deleted or changed", trail));

        List<String> roleCalls = WatchedCalls.names(WatchedCalls.IAM_SERVICE, SecurityClass.IAM).stream()
                .filter(n -> !n.contains("PolicyVersion")).toList();
        ObjectNode roles = JSON.objectNode();
        roles.set("roleName", strings(managed.roleNames().keySet().stream().sorted().toList()));
        rules.add(new EventRule(prefix + "iam-roles", "Trust and permission changes on the Qualisys roles",
                pattern(WatchedCalls.IAM_SERVICE, roleCalls, roles)));

        List<String> policyCalls = WatchedCalls.names(WatchedCalls.IAM_SERVICE, SecurityClass.IAM).stream()
                .filter(n -> n.contains("PolicyVersion")).toList();
        ObjectNode policies = JSON.objectNode();
        policies.set("policyArn", anyOf(List.of(), "suffix",
                managed.policyNames().keySet().stream().sorted().map(n -> "/" + n).toList()));
        rules.add(new EventRule(prefix + "iam-policies", "New or default versions of the Qualisys policies",
                pattern(WatchedCalls.IAM_SERVICE, policyCalls, policies)));

        rules.add(new EventRule(prefix + "access-keys", "Access keys created in the account",
                pattern(WatchedCalls.IAM_SERVICE, WatchedCalls.names(WatchedCalls.IAM_SERVICE, SecurityClass.ACCESS_KEYS), null)));

        rules.add(new EventRule(prefix + "kms", "KMS keys disabled or scheduled for deletion",
                pattern(WatchedCalls.KMS, WatchedCalls.names(WatchedCalls.KMS, SecurityClass.ENCRYPTION_KEYS), null)));

        if (spec.eks() != null) {
            ObjectNode cluster = JSON.objectNode();
            cluster.set("name", strings(List.of(spec.eks().clusterName())));
            rules.add(new EventRule(prefix + "eks", "EKS endpoint access or control-plane logging changed",
                    pattern(WatchedCalls.EKS, WatchedCalls.names(WatchedCalls.EKS, SecurityClass.EKS_CLUSTER), cluster)));
        }
        if (spec.rds() != null) {
            ObjectNode db = JSON.objectNode();
            db.set("dBInstanceIdentifier", strings(List.of(spec.rds().identifier())));
            rules.add(new EventRule(prefix + "rds", "Public accessibility, deletion protection or backups of the database changed",
                    pattern(WatchedCalls.RDS, WatchedCalls.names(WatchedCalls.RDS, SecurityClass.RDS_INSTANCE), db)));
        }

        ObjectNode bucket = JSON.objectNode();
        bucket.set("bucketName", strings(List.of(managed.trailBucket())));
        rules.add(new EventRule(prefix + "trail-bucket", "Policy or public-access block of the CloudTrail bucket changed",
                pattern(WatchedCalls.S3, WatchedCalls.names(WatchedCalls.S3, SecurityClass.TRAIL_BUCKET), bucket)));

        ObjectNode secret = JSON.objectNode();
        List<String> prefixes = new ArrayList<>(managed.secretNames().keySet().stream().sorted().toList());
        prefixes.add("arn:"); // ARNs end in a random suffix; the classifier matches them exactly
        secret.set("secretId", anyOf(List.of(), "prefix", prefixes));
        rules.add(new EventRule(prefix + "secrets", "Resource policies of the database secrets changed",
                pattern(WatchedCalls.SECRETS_MANAGER, WatchedCalls.names(WatchedCalls.SECRETS_MANAGER, SecurityClass.SECRETS), secret)));
        return List.copyOf(rules);
    }

    private static ObjectNode pattern(WatchedCalls.Service service, List<String> eventNames, ObjectNode requestParameters) {
        ObjectNode p = JSON.objectNode();
        p.set("source", strings(List.of(service.source())));
        p.set("detail-type", strings(List.of(CloudTrailEventParser.DETAIL_TYPE)));
        ObjectNode detail = p.putObject("detail");
        detail.set("eventSource", strings(List.of(service.eventSource())));
        detail.set("eventName", strings(eventNames));
        ArrayNode noError = detail.putArray("errorCode");
        noError.addObject().put("exists", false);
        if (requestParameters != null) detail.set("requestParameters", requestParameters);
        return p;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static ArrayNode anyOf(List<String> exact, String operator, List<String> operands) {
        ArrayNode a = strings(exact);
        for (String o : operands) a.addObject().put(operator, o);
        return a;
    }
}
