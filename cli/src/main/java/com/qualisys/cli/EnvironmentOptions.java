package com.qualisys.cli;

import com.qualisys.controlplane.accounts.EnvironmentAccess;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.List;
import picocli.CommandLine.Option;

/** --env, --layer and --endpoint-url, shared by the commands that talk to one environment. */
final class EnvironmentOptions {
    @Option(names = {"--env", "-e"}, required = true, description = "Environment (a file of environments/).")
    String environment;

    @Option(names = {"--layer", "-l"}, description = "One layer: ${COMPLETION-CANDIDATES}. Default: every layer, in dependency order.",
            completionCandidates = LayerNames.class)
    String layer;

    @Option(names = "--endpoint-url", description = "AWS endpoint override (an emulator). Default: AWS_ENDPOINT_URL, else the spec's aws.endpointUrl, else AWS.")
    String endpointUrl;

    @Option(names = "--specs", description = "Folder of environment specs. Default: QUALISYS_ENVIRONMENTS_DIR, else ./environments.")
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

    /** The selected layers; an unknown name is rejected before any AWS call. */
    List<Layer> layers() {
        List<Layer> all = Layers.all();
        if (layer == null) return all;
        if (!Layers.ORDER.contains(layer)) {
            throw new IllegalArgumentException("--layer " + layer + " is not a layer; layers: " + String.join(", ", Layers.ORDER));
        }
        List<Layer> one = all.stream().filter(l -> l.name().equals(layer)).toList();
        if (one.isEmpty()) throw new IllegalArgumentException("--layer " + layer + " is not implemented yet");
        return one;
    }

    /** The caller's own clients (the hub's, or a person's). */
    AwsClients clients(EnvironmentSpec spec) {
        String endpoint = endpointUrl != null ? endpointUrl : spec.aws().endpointUrl();
        return AwsClients.builder().region(spec.aws().region()).endpoint(endpoint).build();
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
     * overrides and never reverted.
     */
    Reconciler reconciler(EnvironmentSpec spec, AwsClients environment, AwsClients caller) {
        return new Reconciler(spec, environment, Layers.all()).withOverrides(OverrideStore.source(caller.s3(), spec.state().reportBucket()));
    }

    static final class LayerNames extends java.util.ArrayList<String> {
        LayerNames() {
            super(Layers.ORDER);
        }
    }
}
