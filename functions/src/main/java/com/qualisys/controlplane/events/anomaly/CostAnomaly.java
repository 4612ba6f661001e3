package com.qualisys.controlplane.events.anomaly;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * One Cost Anomaly Detection alert, from either route (SNS or EventBridge). Money in USD.
 *
 * @param service      the anomaly's dimension value: the service, for an AWS-services monitor
 * @param monitorName  only the EventBridge route carries it; null from SNS
 */
public record CostAnomaly(Route route, String anomalyId, String accountId, String monitorArn, String monitorName,
                          String service, LocalDate startDate, LocalDate endDate, BigDecimal totalImpact,
                          BigDecimal maxImpact, BigDecimal totalActualSpend, BigDecimal totalExpectedSpend,
                          BigDecimal totalImpactPercentage, List<RootCause> rootCauses, String detailsLink) {

    public enum Route { SNS, EVENTBRIDGE }

    public record RootCause(String service, String region, String linkedAccount, String linkedAccountName, String usageType,
                            BigDecimal contribution) {}

    public CostAnomaly {
        rootCauses = List.copyOf(rootCauses);
    }
}
