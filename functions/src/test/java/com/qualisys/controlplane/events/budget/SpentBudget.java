package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.aws.AwsClients;

/**
 * A cost budget as AWS Budgets reports it, with the spend AWS would have computed from billing
 * data (the emulator keeps a CalculatedSpend given at creation, as moto does): what the budget
 * response confirms an alert against before it caps anything.
 */
public final class SpentBudget {
    private SpentBudget() {}

    public static void create(AwsClients aws, String name, String limitUsd, String actualUsd) {
        aws.budgets().createBudget(r -> r.accountId(aws.accountId()).budget(b -> b.budgetName(name).budgetType("COST")
                .timeUnit("MONTHLY").budgetLimit(l -> l.amount(new java.math.BigDecimal(limitUsd)).unit("USD"))
                .calculatedSpend(c -> c.actualSpend(s -> s.amount(new java.math.BigDecimal(actualUsd)).unit("USD"))
                        .forecastedSpend(s -> s.amount(new java.math.BigDecimal(actualUsd)).unit("USD")))));
    }
}
