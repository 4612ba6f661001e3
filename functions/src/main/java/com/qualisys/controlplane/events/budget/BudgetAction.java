package com.qualisys.controlplane.events.budget;

import java.time.LocalDate;

/** One rung of the budget action ladder; {@link #name()} is the action's name in the spec. */
public sealed interface BudgetAction {
    String name();

    /** One line for plans and dry runs: what the action does. */
    String describe();

    /** A notification without cost details. */
    record Notify() implements BudgetAction {
        public String name() { return "notify"; }

        public String describe() { return "notify the alert topic"; }
    }

    /** A notification with the top services by cost of the period so far (Cost Explorer, grouped by SERVICE). */
    record NotifyTopServices(int count, LocalDate from, LocalDate toExclusive) implements BudgetAction {
        public String name() { return "notify-top-services"; }

        public String describe() {
            return "notify the top " + count + " services by cost from " + from + " to " + toExclusive + " (exclusive)";
        }
    }

    /**
     * Caps a node group at its minimum (maxSize = desiredSize = minSize) until the budget period ends; an
     * intentional override that drift checks report and never revert.
     */
    record CapNodeGroup(String logicalId, String clusterName, String nodegroupName, int minSize) implements BudgetAction {
        public String name() { return "cap-playwright-pool"; }

        public String describe() {
            return "cap node group " + nodegroupName + " (" + logicalId + ") at its minimum of " + Math.max(minSize, 1)
                    + " (maxSize and desiredSize) until the budget period ends, recorded as an override";
        }
    }

    /** Asks the state machine for a drift check of every layer. */
    record StartDriftCheck() implements BudgetAction {
        public String name() { return "start-drift-check"; }

        public String describe() { return "request a drift check of every layer"; }
    }
}
