package com.qualisys.controlplane.spec;

import java.util.List;

public record ResponsesSpec(boolean autoRemediate, List<LadderStep> budgetLadder, boolean anomalyStartsDriftCheck) {

    /** At or above atPercent of a budget (optionally one budget only), run these actions. */
    public record LadderStep(int atPercent, String budget, List<String> actions) {}
}
