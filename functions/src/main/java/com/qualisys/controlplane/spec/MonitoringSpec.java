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

    public record AnomalyDetection(String monitorName, String subscriptionName, BigDecimal impactThresholdUsd,
                                   String digestEmail) {}

    public record CloudTrail(String trailName, String bucket, boolean multiRegion, boolean globalServiceEvents,
                             boolean managementEvents, boolean logFileValidation, int logRetentionDays) {}
}
