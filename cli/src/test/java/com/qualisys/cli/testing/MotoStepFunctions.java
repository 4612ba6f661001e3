package com.qualisys.cli.testing;

import com.qualisys.controlplane.emulator.MotoServer;

/**
 * Switches moto's Step Functions between its two modes (server-wide): by default executions do
 * nothing and return a fixed history; with execution on, moto's ASL interpreter runs them (SNS,
 * SQS, DynamoDB integrations against moto itself; no Lambda without Docker). Through
 * {@link MotoServer#configure}, so the mode outlives a reset that restarts moto.
 */
public final class MotoStepFunctions {
    private MotoStepFunctions() {}

    public static void executeStateMachines(boolean on) {
        MotoServer.shared().configure("{\"stepfunctions\":{\"execute_state_machine\":" + on + "}}");
    }
}
