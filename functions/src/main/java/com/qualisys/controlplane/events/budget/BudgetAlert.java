package com.qualisys.controlplane.events.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One AWS Budgets notification, parsed from the text AWS Budgets publishes to SNS.
 *
 * @param notifiedOn the date in the notification's first line ("AWS Budget Notification May 1, 2024")
 * @param amount     the ACTUAL (or FORECASTED) cost the message reports, USD
 * @param budgetLimit the budgeted amount, USD
 */
public record BudgetAlert(String budgetName, String accountId, LocalDate notifiedOn, AlertType alertType,
                          BigDecimal budgetLimit, Threshold threshold, BigDecimal amount, BudgetPeriod period) {

    public enum AlertType { ACTUAL, FORECASTED }

    /** The alert threshold as AWS states it: an amount ("> $400.00") or a percentage ("> 80%"). */
    public record Threshold(BigDecimal value, boolean percent) {
        public BigDecimal percentOf(BigDecimal limit) {
            if (percent) return value;
            if (limit.signum() == 0) return BigDecimal.ZERO;
            return value.multiply(BigDecimal.valueOf(100)).divide(limit, 2, RoundingMode.HALF_UP);
        }

        public BigDecimal amountOf(BigDecimal limit) {
            return percent ? limit.multiply(value).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP) : value;
        }

        public String display() {
            return percent ? value.stripTrailingZeros().toPlainString() + "%" : "$" + value.setScale(2, RoundingMode.HALF_UP);
        }
    }

    /** The threshold as a percentage of the budget (80.00 for "> $400.00" of $500.00). */
    public BigDecimal thresholdPercent() {
        return threshold.percentOf(budgetLimit);
    }

    public LocalDate periodStart() {
        return period.start(notifiedOn);
    }

    /** The first day after the budget period, when an override made for this alert expires. */
    public LocalDate periodEnd() {
        return period.end(notifiedOn);
    }

    public Instant periodEndInstant() {
        return periodEnd().atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
