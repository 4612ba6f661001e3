package com.qualisys.controlplane.events.budget;

import java.math.BigDecimal;
import software.amazon.awssdk.services.budgets.BudgetsClient;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.NotFoundException;
import software.amazon.awssdk.services.budgets.model.Spend;

/**
 * Before anything is capped, AWS Budgets itself must confirm what an alert claims: a budget alert
 * reaches the control plane as text on an SNS topic, which anyone allowed to publish there could
 * forge. The budget's own spend (actual, or forecasted for a FORECASTED alert) must have reached
 * the alert's threshold of the budget's own limit.
 */
public record SpendConfirmation(boolean confirmed, String note) {

    public static SpendConfirmation check(BudgetsClient budgets, String accountId, BudgetAlert alert) {
        Budget budget;
        try {
            budget = budgets.describeBudget(r -> r.accountId(accountId).budgetName(alert.budgetName())).budget();
        } catch (NotFoundException e) {
            return new SpendConfirmation(false, "not capping: AWS Budgets has no budget " + alert.budgetName()
                    + " in account " + accountId + " — the alert is not confirmed (forged?)");
        }
        if (budget.budgetLimit() == null || budget.calculatedSpend() == null) {
            return new SpendConfirmation(false, "not capping: AWS Budgets reports no limit or spend for " + alert.budgetName());
        }
        BigDecimal limit = budget.budgetLimit().amount();
        Spend spend = alert.alertType() == BudgetAlert.AlertType.FORECASTED
                ? budget.calculatedSpend().forecastedSpend() : budget.calculatedSpend().actualSpend();
        BigDecimal spent = spend == null || spend.amount() == null ? BigDecimal.ZERO : spend.amount();
        BigDecimal threshold = alert.threshold().amountOf(limit);
        if (spent.compareTo(threshold) >= 0) {
            return new SpendConfirmation(true, "AWS Budgets confirms " + alert.alertType() + " spend $" + spent.toPlainString()
                    + " of $" + limit.toPlainString() + " for " + alert.budgetName());
        }
        return new SpendConfirmation(false, "not capping: AWS Budgets reports " + alert.alertType() + " spend $" + spent.toPlainString()
                + " of $" + limit.toPlainString() + " for " + alert.budgetName() + ", below the alert's threshold $"
                + threshold.toPlainString() + " — the alert is not confirmed (forged or stale)");
    }
}
