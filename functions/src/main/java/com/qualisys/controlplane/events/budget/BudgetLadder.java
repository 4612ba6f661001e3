package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.events.security.ManagedResources;
import com.qualisys.controlplane.spec.EksSpec;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.ResponsesSpec;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the actions for a budget alert from {@code responses.budgetLadder} (pure).
 * The rung is the highest {@code atPercent} not above the alert's threshold percentage among the steps
 * for this alert type (ACTUAL unless a step says FORECASTED) and for this budget (steps naming the budget
 * win over general steps at the same percentage). No rung, or a budget the spec does not define: notify.
 */
public final class BudgetLadder {
    public static final String PLAYWRIGHT_POOL = "playwright-pool";
    public static final int TOP_SERVICES = 5;

    private BudgetLadder() {}

    /** The chosen rung (null when none applies), the actions, and why. */
    public record Plan(BudgetAlert alert, ResponsesSpec.LadderStep step, List<BudgetAction> actions, List<String> notes) {
        public Plan {
            actions = List.copyOf(actions);
            notes = List.copyOf(notes);
        }
    }

    public static Plan plan(BudgetAlert alert, EnvironmentSpec spec) {
        List<String> notes = new ArrayList<>();
        boolean managed = spec.monitoring().budgets().stream().anyMatch(b -> b.name().equals(alert.budgetName()));
        if (!managed) {
            notes.add("budget " + alert.budgetName() + " is not defined in this environment's spec: notify only");
            return new Plan(alert, null, List.of(new BudgetAction.Notify()), notes);
        }
        Optional<ResponsesSpec.LadderStep> step = rung(alert, spec.responses().budgetLadder());
        if (step.isEmpty()) {
            notes.add("no ladder step at or below " + alert.thresholdPercent() + "% for " + alert.alertType() + " alerts: notify only");
            return new Plan(alert, null, List.of(new BudgetAction.Notify()), notes);
        }
        List<BudgetAction> actions = new ArrayList<>();
        for (String name : step.get().actions()) {
            switch (name) {
                case "notify" -> actions.add(new BudgetAction.Notify());
                case "notify-top-services" -> actions.add(new BudgetAction.NotifyTopServices(TOP_SERVICES, alert.periodStart(),
                        min(alert.notifiedOn().plusDays(1), alert.periodEnd())));
                case "cap-playwright-pool" -> cap(spec).ifPresentOrElse(actions::add,
                        () -> notes.add("cap-playwright-pool skipped: eks.nodeGroups has no " + PLAYWRIGHT_POOL));
                case "start-drift-check" -> actions.add(new BudgetAction.StartDriftCheck());
                default -> notes.add("unknown ladder action " + name + " skipped");
            }
        }
        return new Plan(alert, step.get(), actions, notes);
    }

    static Optional<ResponsesSpec.LadderStep> rung(BudgetAlert alert, List<ResponsesSpec.LadderStep> ladder) {
        // Half a percent of slack: AWS prints thresholds rounded to cents, so 80% of $333 reads 79.99%.
        BigDecimal percent = alert.thresholdPercent().add(new BigDecimal("0.5"));
        return ladder.stream()
                .filter(s -> alert.alertType().name().equals(s.alertType() == null ? "ACTUAL" : s.alertType()))
                .filter(s -> s.budget() == null || s.budget().equals(alert.budgetName()))
                .filter(s -> BigDecimal.valueOf(s.atPercent()).compareTo(percent) <= 0)
                .max(Comparator.comparingInt(ResponsesSpec.LadderStep::atPercent).thenComparing(s -> s.budget() != null));
    }

    private static Optional<BudgetAction> cap(EnvironmentSpec spec) {
        if (spec.eks() == null || spec.eks().nodeGroups() == null) return Optional.empty();
        EksSpec.NodeGroup pool = spec.eks().nodeGroups().get(PLAYWRIGHT_POOL);
        if (pool == null) return Optional.empty();
        return Optional.of(new BudgetAction.CapNodeGroup(ManagedResources.nodeGroup(PLAYWRIGHT_POOL), spec.eks().clusterName(),
                pool.name(), pool.minSize()));
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }
}
