package com.qualisys.cli.aws;

import java.util.regex.Pattern;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/** Finds deployed state machines and executions by the names people use. */
public final class StateMachineLocator {
    private static final Pattern STATE_MACHINE_ARN = Pattern.compile("arn:[a-z-]+:states:[a-z0-9-]+:\\d{12}:stateMachine:[^:]+");
    private static final Pattern EXECUTION_ARN = Pattern.compile("arn:[a-z-]+:states:[a-z0-9-]+:\\d{12}:(execution|express):[^:]+:[^:]+");
    /** What Step Functions allows in a name: 1 to 80 characters, none of whitespace, brackets, wildcards and specials. */
    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/]{1,80}");

    private final SfnClient sfn;

    public StateMachineLocator(SfnClient sfn) {
        this.sfn = sfn;
    }

    /** The ARN of the state machine with this name, from ListStateMachines (every page). */
    public String arnByName(String deployedName) {
        return sfn.listStateMachinesPaginator(r -> { }).stateMachines().stream()
                .filter(m -> m.name().equals(deployedName))
                .map(StateMachineListItem::stateMachineArn)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no state machine named " + deployedName + " in "
                        + sfn.serviceClientConfiguration().region() + ": deploy the control plane (infra-cdk, docs/deploy.md)"
                        + " or give its ARN"));
    }

    /** A state machine given by ARN, or by name (looked up). */
    public String stateMachineArn(String nameOrArn) {
        if (nameOrArn.startsWith("arn:")) {
            if (!STATE_MACHINE_ARN.matcher(nameOrArn).matches()) {
                throw new IllegalArgumentException("not a state machine ARN: " + nameOrArn);
            }
            return nameOrArn;
        }
        return arnByName(nameOrArn);
    }

    public static boolean isExecutionArn(String text) {
        return text != null && EXECUTION_ARN.matcher(text).matches();
    }

    /** The region of an execution or state machine ARN. */
    public static String region(String arn) {
        return arn.split(":")[3];
    }

    /** The ARN of the execution with this name in that state machine. */
    public static String executionArn(String stateMachineArn, String executionName) {
        checkName("execution name", executionName);
        return stateMachineArn.replaceFirst(":stateMachine:", ":execution:") + ":" + executionName;
    }

    public static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " \"" + name + "\" is not a valid Step Functions name (1 to 80 characters,"
                    + " no whitespace, brackets, wildcards or any of \" # % \\ ^ | ~ ` $ & , ; : /)");
        }
    }
}
