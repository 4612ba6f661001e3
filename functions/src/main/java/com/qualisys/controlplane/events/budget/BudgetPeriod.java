package com.qualisys.controlplane.events.budget;

import java.time.LocalDate;
import java.time.temporal.IsoFields;

/** A budget's time unit; AWS Budgets periods are calendar periods in UTC. */
public enum BudgetPeriod {
    DAILY, MONTHLY, QUARTERLY, ANNUALLY;

    public LocalDate start(LocalDate day) {
        return switch (this) {
            case DAILY -> day;
            case MONTHLY -> day.withDayOfMonth(1);
            case QUARTERLY -> day.with(IsoFields.DAY_OF_QUARTER, 1);
            case ANNUALLY -> day.withDayOfYear(1);
        };
    }

    /** The first day of the next period (exclusive end). */
    public LocalDate end(LocalDate day) {
        LocalDate start = start(day);
        return switch (this) {
            case DAILY -> start.plusDays(1);
            case MONTHLY -> start.plusMonths(1);
            case QUARTERLY -> start.plusMonths(3);
            case ANNUALLY -> start.plusYears(1);
        };
    }
}
