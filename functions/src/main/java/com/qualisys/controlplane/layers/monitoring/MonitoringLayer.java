package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.MonitoringSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cost monitoring and audit logging: the budget alert topic, the monthly cost budgets, Cost
 * Anomaly Detection, and the CloudTrail management trail with its log bucket.
 *
 * <p>The seed's "daily digest to the budget alerts SNS topic" cannot be built as written: AWS
 * sends IMMEDIATE anomaly alerts only to SNS topics and DAILY/WEEKLY digests only to e-mail. The
 * layer builds the closest correct setup: an IMMEDIATE subscription to the alert topic (whose
 * e-mail subscriber is the DevOps lead, as for the budgets) plus a DAILY digest e-mail, both with
 * the seed's $50 total-impact threshold.
 */
public final class MonitoringLayer implements Layer {

    @Override
    public String name() {
        return "monitoring";
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return MonitoringDesired.of(spec);
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return MonitoringDecisions.all();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        MonitoringSpec m = ctx.spec().monitoring();
        String account = ctx.aws().accountId();
        List<ObservedResource> out = new ArrayList<>();
        // Order matters: what others refer to is indexed first (topic before budgets and
        // subscriptions, monitor before subscriptions, bucket before trail).
        new AlertTopic(ctx).observe(m.alertTopic(), account).ifPresent(out::add);
        Set<String> budgetNames = new HashSet<>();
        m.budgets().forEach(b -> budgetNames.add(b.name()));
        out.addAll(new CostBudgets(ctx).observe(budgetNames, account));
        AnomalyDetection anomalies = new AnomalyDetection(ctx);
        out.addAll(anomalies.observeMonitors(Set.of(m.anomalyDetection().monitorName())));
        out.addAll(anomalies.observeSubscriptions(Set.of(m.anomalyDetection().subscriptionName(),
                m.anomalyDetection().digestSubscriptionName())));
        new TrailBucket(ctx).observe(m.cloudTrail().bucket(), account).ifPresent(out::add);
        new ManagementTrail(ctx).observe(m.cloudTrail().trailName()).ifPresent(out::add);
        return out;
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        String kind = change.kind();
        if (kind.equals(MonitoringDesired.TOPIC.name())) new AlertTopic(ctx).apply(change, desired, observed);
        else if (kind.equals(MonitoringDesired.BUDGET.name())) new CostBudgets(ctx).apply(change, desired, observed);
        else if (kind.equals(MonitoringDesired.ANOMALY_MONITOR.name())) new AnomalyDetection(ctx).applyMonitor(change, desired);
        else if (kind.equals(MonitoringDesired.ANOMALY_SUBSCRIPTION.name())) new AnomalyDetection(ctx).applySubscription(change, desired);
        else if (kind.equals(MonitoringDesired.LOG_BUCKET.name())) new TrailBucket(ctx).apply(change, desired);
        else if (kind.equals(MonitoringDesired.TRAIL.name())) new ManagementTrail(ctx).apply(change, desired);
        else throw new IllegalArgumentException("monitoring layer does not own kind " + kind + " (" + change.logicalId() + ")");
    }
}
