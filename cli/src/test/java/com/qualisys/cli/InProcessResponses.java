package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.cli.local.LocalDispatcher;
import com.qualisys.cli.local.LocalFunctions;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;

/**
 * The response state machines run by the local runner with API-call counting clients: the local control
 * plane is bootstrapped once (topics, report bucket, lock table), then each run counts only its own calls.
 */
final class InProcessResponses implements AutoCloseable {
    final AwsClients aws;
    private final ControlPlane controlPlane;
    private final LocalRunner runner;
    private final String account;

    InProcessResponses(LocalAws local, EnvironmentSpec spec) {
        this(local.clients(), spec);
    }

    /** With a control plane of its own over these clients (e.g. in another emulated account); the clients are closed with this. */
    InProcessResponses(AwsClients aws, ControlPlane controlPlane) {
        this.aws = aws;
        this.controlPlane = controlPlane;
        this.account = aws.sts().getCallerIdentity().account();
        this.runner = LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(0).accountId(account).build();
    }

    private InProcessResponses(AwsClients aws, EnvironmentSpec spec) {
        this.aws = aws;
        this.controlPlane = LocalControlPlane.create(TestSpecs.loader(), spec, aws, true);
        this.account = aws.sts().getCallerIdentity().account();
        this.runner = LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(0).accountId(account).build();
    }

    /** Runs statemachines/<machine>.asl.json; the call counter starts at zero. */
    ExecutionResult run(String machine, JsonNode input) {
        StateMachineDefinition definition = StateMachineDefinition.load(SimulateEventCommand.machine(StateMachines.byName(machine).orElseThrow()),
                LocalFunctions.substitutions(controlPlane, "us-east-1", account));
        aws.calls().reset();
        return runner.execute(definition, input, null);
    }

    @Override
    public void close() {
        aws.close();
    }
}
