package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.events.Notification;
import java.math.RoundingMode;
import java.util.List;

/** Renders budget responses and restores as notifications (pure). */
public final class BudgetNotifications {
    private BudgetNotifications() {}

    public static Notification render(String environment, BudgetLadder.Plan plan, List<ServiceCost> top,
                                      List<OverrideRecord> overrides, boolean driftCheck, List<String> notes) {
        BudgetAlert a = plan.alert();
        String subject = "[" + environment + "] Budget " + a.budgetName() + " " + a.alertType() + " passed " + a.threshold().display();
        StringBuilder b = new StringBuilder();
        b.append("Budget ").append(a.budgetName()).append(" (account ").append(a.accountId()).append(", ")
                .append(a.period().name().toLowerCase(java.util.Locale.ROOT)).append(" period from ").append(a.periodStart()).append(")\n");
        b.append(a.alertType()).append(" cost $").append(a.amount().setScale(2, RoundingMode.HALF_UP)).append(" of a $")
                .append(a.budgetLimit().setScale(2, RoundingMode.HALF_UP)).append(" budget; alert threshold ").append(a.threshold().display())
                .append(" (").append(a.thresholdPercent().stripTrailingZeros().toPlainString()).append("%), notified ").append(a.notifiedOn()).append('\n');
        b.append("Ladder step: ").append(plan.step() == null ? "none" : plan.step().atPercent() + "% " + plan.step().actions()).append("\n\n");
        if (!top.isEmpty()) {
            b.append("Top services this period:\n");
            for (int i = 0; i < top.size(); i++) {
                ServiceCost s = top.get(i);
                b.append("  ").append(i + 1).append(". ").append(s.service()).append(": ").append(s.amount().setScale(2, RoundingMode.HALF_UP))
                        .append(' ').append(s.unit() == null ? "USD" : s.unit()).append('\n');
            }
            b.append('\n');
        }
        if (overrides.isEmpty()) {
            b.append("Done: no resource was changed.\n");
        } else {
            b.append("Done (intentional overrides, restored when the period ends ").append(overrides.getFirst().expiresAt())
                    .append(" or by `restore`):\n");
            for (OverrideRecord o : overrides) {
                b.append("  - ").append(o.logicalId()).append(" [").append(o.id()).append("]: ");
                b.append(String.join(", ", o.changes().stream().map(c -> c.path() + " " + c.before() + " -> " + c.after()).toList())).append('\n');
            }
        }
        if (driftCheck) b.append("A drift check of every layer was requested.\n");
        for (String note : notes) b.append("Note: ").append(note).append('\n');
        return Notification.of(subject, b.toString());
    }

    public static Notification restored(String environment, OverrideRecord o) {
        StringBuilder b = new StringBuilder();
        b.append("Override ").append(o.id()).append(" on ").append(o.logicalId()).append(" was restored at ").append(o.restoredAt())
                .append(" (").append(o.restoreReason()).append(").\n");
        b.append("It was made because ").append(o.cause()).append(".\n");
        for (OverrideRecord.AttributeChange c : o.changes()) {
            b.append("  - ").append(c.path()).append(" back to ").append(c.before()).append(" (was ").append(c.after()).append(")\n");
        }
        return Notification.of("[" + environment + "] Restored " + o.logicalId() + " after budget override", b.toString());
    }
}
