package com.qualisys.controlplane.spec;

import java.math.BigDecimal;
import java.util.List;

public record MonitoringSpec(
        String alertTopic,
        String alertEmail,
        List<Budget> budgets,
        AnomalyDetection anomalyDetection,
        CloudTrail cloudTrail) {

    public record Budget(String name, BigDecimal limitUsd, List<Integer> actualAlertPercents,
                         List<Integer> forecastedAlertPercents) {}

    /**
     * One AWS-managed SERVICE monitor and two subscriptions with the same impact threshold: IMMEDIATE
     * alerts to the alert topic (AWS allows only SNS for IMMEDIATE) and a DAILY or WEEKLY digest to
     * digestEmail (AWS allows only e-mail for digests).
     */
    public record AnomalyDetection(String monitorName, String subscriptionName, String digestSubscriptionName,
                                   String digestFrequency, BigDecimal impactThresholdUsd, String digestEmail) {}

    public record CloudTrail(String trailName, String bucket, boolean multiRegion, boolean globalServiceEvents,
                             boolean managementEvents, boolean logFileValidation, int logRetentionDays) {}
}
