package com.qualisys.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.asl.TaskTokenBroker;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One state machine file run in-process against one environment's endpoint: the same
 * definition AWS runs, with the catalog's functions substituted by local handlers.
 */
public final class LocalExecution {
    private final ControlPlane controlPlane;
    private final AwsClients aws;
    private final Map<String, String> substitutions;

    /** bootstrapEmulator: the caller says the endpoint is an emulator to set up first (see LocalControlPlane#create). */
    public LocalExecution(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean bootstrapEmulator) {
        this(specs, spec, aws, bootstrapEmulator, com.qualisys.controlplane.layers.Layers.all());
    }

    /** With these layers instead of {@code Layers.all()}. */
    public LocalExecution(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean bootstrapEmulator,
                          java.util.List<com.qualisys.controlplane.engine.Layer> layers) {
        this.aws = aws;
        this.controlPlane = LocalControlPlane.create(specs, spec, aws, bootstrapEmulator, true, layers);
        this.substitutions = LocalFunctions.substitutions(controlPlane, spec.aws().region(), aws.sts().getCallerIdentity().account());
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public ExecutionResult run(Path definition, JsonNode input, String executionName, double waitScale,
                               TaskTokenBroker broker, ExecutionListener listener) throws IOException {
        LocalRunner.Builder builder = LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(waitScale);
        if (broker != null) builder.taskTokenBroker(broker);
        if (listener != null) builder.listener(listener);
        StateMachineDefinition machine = StateMachineDefinition.load(definition, substitutions);
        // A local run acts with the person's own credentials: asking for approveDestructive is their own
        // approval, so the run takes the approved provision's name (LockHandler accepts it only there).
        if (machine.name().equals(StateMachines.PROVISION.definitionName()) && input != null
                && input.path("approveDestructive").asBoolean(false)) {
            machine = machine.withName(StateMachines.APPROVED_PROVISION);
        }
        return builder.build().execute(machine, input, executionName);
    }
}
