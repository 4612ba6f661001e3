package com.qualisys.controlplane.events.budget;

import java.time.LocalDate;

/** One rung of the budget action ladder; {@link #name()} is the action's name in the spec. */
public sealed interface BudgetAction {
    String name();

    /** A notification without cost details. */
    record Notify() implements BudgetAction {
        public String name() { return "notify"; }
    }

    /** A notification with the top services by cost of the period so far (Cost Explorer, grouped by SERVICE). */
    record NotifyTopServices(int count, LocalDate from, LocalDate toExclusive) implements BudgetAction {
        public String name() { return "notify-top-services"; }
    }

    /**
     * Caps a node group at its minimum (maxSize = desiredSize = minSize) until the budget period ends; an
     * intentional override that drift checks report and never revert.
     */
    record CapNodeGroup(String logicalId, String clusterName, String nodegroupName, int minSize) implements BudgetAction {
        public String name() { return "cap-playwright-pool"; }
    }

    /** Asks the state machine for a drift check of every layer. */
    record StartDriftCheck() implements BudgetAction {
        public String name() { return "start-drift-check"; }
    }
}
