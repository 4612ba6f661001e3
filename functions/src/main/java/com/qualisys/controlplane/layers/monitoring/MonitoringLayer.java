package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.KindsLayer;
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
public final class MonitoringLayer extends KindsLayer {
    public MonitoringLayer() {
        // In dependency order: the topic before budgets and subscriptions, the monitor before subscriptions, the bucket before the trail.
        super("monitoring", MonitoringDesired::of, List.of(
                new AlertTopic(), new CostBudgets(), new AnomalyMonitors(), new AnomalySubscriptions(), new TrailBucket(), new ManagementTrail()));
    }
}
