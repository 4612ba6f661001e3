package com.qualisys.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.asl.TaskTokenBroker;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one of the control plane's state machines ({@code statemachines/<name>.asl.json}) in-process for
 * one environment: the local control plane (bootstrapped when the endpoint is an emulator), the catalog's
 * handlers behind the Task states, Waits skipped on an emulator.
 */
public final class LocalMachines {
    private LocalMachines() {}

    public static Path definition(String machine) {
        Path file = RepoPaths.root().resolve("statemachines").resolve(machine + ".asl.json");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no state machine " + file);
        return file;
    }

    /**
     * @param waitScale null for the default: no waiting against an emulator, real time otherwise
     * @param broker    answers task-token waits; null for an in-memory one
     */
    public static ExecutionResult execute(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, Path definition, JsonNode input,
                                          String executionName, Double waitScale, TaskTokenBroker broker, ExecutionListener listener) {
        ControlPlane controlPlane = LocalControlPlane.create(specs, spec, aws);
        String account = aws.sts().getCallerIdentity().account();
        Map<String, String> subs = LocalFunctions.substitutions(controlPlane, spec.aws().region(), account);
        double scale = waitScale != null ? waitScale
                : aws.endpoint() != null && LocalControlPlane.isEmulator(aws.endpoint().toString()) ? 0 : 1;
        LocalRunner.Builder b = LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(scale)
                .region(spec.aws().region()).accountId(account);
        if (broker != null) b.taskTokenBroker(broker);
        if (listener != null) b.listener(listener);
        return b.build().execute(StateMachineDefinition.load(definition, subs), input, executionName);
    }
}
