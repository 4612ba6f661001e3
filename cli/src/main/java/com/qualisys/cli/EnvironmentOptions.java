package com.qualisys.cli;

import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.accounts.EnvironmentAccess;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** --env, --layer, --skip-layer, --endpoint-url and --specs, shared by the commands that talk to one environment. */
final class EnvironmentOptions {
    /** --endpoint-url's help, the same in every command that takes an environment (LocalControlPlane.clients resolves it). */
    static final String ENDPOINT_URL_HELP = "AWS endpoint override (an emulator). Default: AWS_ENDPOINT_URL, else the spec's aws.endpointUrl, else AWS.";
    static final String SPECS_HELP = "Folder of environment specs. Default: QUALISYS_ENVIRONMENTS_DIR, else ./environments.";

    @Option(names = {"--env", "-e"}, required = true, description = "Environment (a file of the specs folder).")
    String environment;

    @Option(names = {"--layer", "-l"}, split = ",", paramLabel = "LAYER",
            description = "Only these layers (a list, comma-separated or repeated): ${COMPLETION-CANDIDATES}."
                    + " Default: every layer, in dependency order.",
            completionCandidates = LayerCandidates.class)
    List<String> only;

    @Option(names = "--skip-layer", split = ",", paramLabel = "LAYER",
            description = "Leave these layers out (a list, comma-separated or repeated).", completionCandidates = LayerCandidates.class)
    List<String> skipped;

    @Option(names = "--endpoint-url", description = ENDPOINT_URL_HELP)
    String endpointUrl;

    @Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--specs", description = SPECS_HELP)
    java.nio.file.Path specs;

    @Option(names = "--no-assume-role", description = "Use your own credentials as they are (you already hold the environment"
            + " account's credentials). Default: assume the environment's aws.executionRole when your credentials act in another account.")
    boolean noAssumeRole;

    EnvironmentSpec spec() {
        return loader(specs).load(environment);
    }

    static SpecLoader loader(java.nio.file.Path specs) {
        return specs == null ? SpecLoader.standard() : SpecLoader.fromDirectory(specs.toAbsolutePath());
    }

    /** The selected layers in dependency order; an unknown name is rejected before any AWS call. */
    List<Layer> layers() {
        checkNames("--layer", only);
        checkNames("--skip-layer", skipped);
        List<Layer> selected = new ArrayList<>();
        for (Layer l : Layers.all()) {
            if ((only == null || only.contains(l.name())) && (skipped == null || !skipped.contains(l.name()))) selected.add(l);
        }
        if (selected.isEmpty()) throw new IllegalArgumentException("--layer and --skip-layer leave no layer to handle");
        return selected;
    }

    private static void checkNames(String option, List<String> names) {
        if (names == null) return;
        for (String name : names) {
            if (!LayerNames.ORDER.contains(name)) {
                throw new IllegalArgumentException(option + " " + name + " is not a layer; layers: " + String.join(", ", LayerNames.ORDER));
            }
        }
    }

    /** The caller's own clients (the hub's, or a person's); with --emulator and no credentials set, the emulator's test credentials. */
    AwsClients clients(EnvironmentSpec spec) {
        return LocalControlPlane.clients(spec, endpointUrl, emulator.emulator);
    }

    /** With --emulator, what the CDK app would have deployed for the environment's state (lock table, report bucket). */
    void bootstrapEmulator(EnvironmentSpec spec, AwsClients caller) {
        if (emulator.emulator) LocalControlPlane.bootstrapState(spec, caller);
    }

    /**
     * Clients acting in the environment's account: the caller's when they already act there (or with
     * --no-assume-role), else the environment's execution role assumed with a session named after the
     * command. Refused, before any write, when the account is not the spec's aws.accountId.
     */
    AwsClients environmentClients(AwsClients caller, EnvironmentSpec spec, String command) {
        return EnvironmentAccess.forCaller(caller, spec, "cli-" + command + "-" + spec.environment(), !noAssumeRole);
    }

    /**
     * All layers are known to the reconciler (so cross-layer references resolve); budget overrides
     * recorded in the report bucket (read with the caller's, i.e. the hub's, clients) are reported as
     * overrides and never reverted. Read-only until a command holding the environment's lease fences it
     * with that lease.
     */
    Reconciler reconciler(EnvironmentSpec spec, AwsClients environment, AwsClients caller) {
        return new Reconciler(spec, environment, Layers.all()).withOverrides(OverrideStore.source(caller.s3(), spec.reportBucket()))
                .fencedBy(com.qualisys.controlplane.engine.WriteFence.READ_ONLY);
    }

    static final class LayerCandidates extends java.util.ArrayList<String> {
        LayerCandidates() {
            super(LayerNames.ORDER);
        }
    }
}
