package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKinds;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;

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
    /** In dependency order: the topic before budgets and subscriptions, the monitor before subscriptions, the bucket before the trail. */
    private final ManagedKinds kinds = new ManagedKinds(name(), List.of(
            new AlertTopic(), new CostBudgets(), new AnomalyMonitors(), new AnomalySubscriptions(), new TrailBucket(), new ManagementTrail()));

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
        return kinds.decisions();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        return kinds.observe(ctx, desired(ctx.spec()));
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        kinds.apply(change, desired, observed, ctx);
    }
}
