package com.qualisys.controlplane.handlers;

import java.util.Locale;
import java.util.Optional;

/**
 * Every state machine of the control plane: one place that the definition files
 * (statemachines/), the names the CDK app deploys them under and the CLI's {@code start},
 * {@code approve} and {@code reject} agree on.
 */
public enum StateMachines {
    PROVISION("provision"),
    DRIFT_CHECK("drift-check"),
    /** Every environment at once: one aggregate report and one notification. */
    DRIFT_CHECK_ALL("drift-check-all"),
    SECURITY_RESPONSE("security-response"),
    BUDGET_RESPONSE("budget-response");

    /** Deployed names are this prefix and the definition's name: {@code qualisys-provision}. */
    public static final String DEPLOYED_NAME_PREFIX = "qualisys-";
    /** The task of {@code provision} that waits (with a task token) for a destructive plan to be approved. */
    public static final String APPROVAL_STATE = "RequestApproval";
    /** The error a rejected approval fails that task with (SendTaskFailure). */
    public static final String REJECTED_ERROR = "Qualisys.Rejected";
    public static final String DEFINITION_SUFFIX = ".asl.json";
    /**
     * {@code provision} deployed a second time under this name: the only machine whose runs may carry
     * {@code approveDestructive: true}, and only the spec's approver ({@code aws.approverRole}) may start it.
     */
    public static final String APPROVED_PROVISION = "provision-approved";

    private final String definitionName;

    StateMachines(String definitionName) {
        this.definitionName = definitionName;
    }

    /** The name of the definition, as users say it: {@code provision}, {@code drift-check}. */
    public String definitionName() {
        return definitionName;
    }

    /** The definition file, relative to the repository root. */
    public String definitionFile() {
        return "statemachines/" + definitionName + DEFINITION_SUFFIX;
    }

    /** The state machine's name in the account: {@code qualisys-provision}. */
    public String deployedName() {
        return deployedName(definitionName);
    }

    /** The deployed name of any definition file's machine, by its name without {@code .asl.json}. */
    public static String deployedName(String definitionName) {
        return DEPLOYED_NAME_PREFIX + definitionName;
    }

    /**
     * Whether an execution ({@code $$.Execution.Id}: arn:aws:states:region:account:execution:machine:name) runs
     * on the approved provision machine, deployed ({@code qualisys-provision-approved}) or local.
     */
    public static boolean onApprovedProvision(String executionArn) {
        String[] parts = executionArn == null ? new String[0] : executionArn.split(":");
        if (parts.length < 8 || !"execution".equals(parts[5])) return false;
        return parts[6].equals(APPROVED_PROVISION) || parts[6].equals(deployedName(APPROVED_PROVISION));
    }

    /** By definition name ({@code provision}) or deployed name ({@code qualisys-provision}), any case. */
    public static Optional<StateMachines> byName(String name) {
        if (name == null) return Optional.empty();
        String n = name.toLowerCase(Locale.ROOT);
        for (StateMachines m : values()) {
            if (m.definitionName.equals(n) || m.deployedName().equals(n)) return Optional.of(m);
        }
        return Optional.empty();
    }
}
