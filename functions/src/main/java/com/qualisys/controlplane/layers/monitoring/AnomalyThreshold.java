package com.qualisys.controlplane.layers.monitoring;

import java.math.BigDecimal;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.costexplorer.model.DimensionValues;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;

/**
 * An anomaly subscription's alerting threshold as one readable attribute,
 * {@code "ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50"}. A live expression of another shape is shown as
 * the SDK prints it, so it differs from the desired text and is visible in the report. Pure.
 */
final class AnomalyThreshold {
    private AnomalyThreshold() {}

    static String describe(String dimension, BigDecimal value) {
        return dimension + " >= " + value.stripTrailingZeros().toPlainString();
    }

    static String describe(AnomalySubscription s) {
        Expression e = s.thresholdExpression();
        if (e != null && e.dimensions() != null && e.and().isEmpty() && e.or().isEmpty() && e.not() == null) {
            DimensionValues d = e.dimensions();
            if (d.matchOptions().equals(java.util.List.of(MatchOption.GREATER_THAN_OR_EQUAL)) && d.values().size() == 1) {
                try {
                    return describe(d.keyAsString(), new BigDecimal(d.values().get(0)));
                } catch (NumberFormatException notANumber) {
                    // fall through: shown as JSON
                }
            }
        }
        if (e == null && s.threshold() != null) {
            // The deprecated numeric Threshold means total impact in dollars.
            return describe(MonitoringDesired.IMPACT_KEY, BigDecimal.valueOf(s.threshold())) + " (deprecated Threshold field)";
        }
        return e == null ? "none" : e.toString();
    }

    /** The expression AWS wants for "total impact of at least value dollars". */
    static Expression expression(BigDecimal value) {
        return Expression.builder().dimensions(DimensionValues.builder()
                .key(MonitoringDesired.IMPACT_KEY)
                .matchOptions(MatchOption.GREATER_THAN_OR_EQUAL)
                .values(value.stripTrailingZeros().toPlainString()).build()).build();
    }
}
