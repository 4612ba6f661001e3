package com.qualisys.cli;

import com.qualisys.cli.local.HeldLease;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerFailure;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true, description = {
        "Brings the environment to its spec, layer by layer in dependency order.",
        "A layer that fails is reported as \"not applied: <reason>\" and the following layers are still applied;"
                + " destructive changes (replacements, deletes of stateful resources) need --approve-destructive.",
        "Holds the environment's lock while it runs: a provision or another apply in progress is named and this one refuses.",
        "Exit code: 0 done (whether or not anything changed), 1 a layer failed or an error;"
                + " with --detailed-exitcode, 2 when changes were made."})
final class ApplyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    EnvironmentOptions env;

    @Option(names = "--approve-destructive", description = "Also carry out destructive changes (deletes and replacements of stateful resources)."
            + " Refused where the environment needs an approver other than the starter (responses.distinctApprover, production).")
    boolean approveDestructive;

    @Option(names = "--detailed-exitcode", description = "Exit 2 when changes were made (0 only when nothing changed), as Terraform's plan does.")
    boolean detailedExitCode;

    @Override
    public Integer call() {
        EnvironmentSpec spec = env.spec();
        List<Layer> layers = env.layers();
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        LayerProgress progress = new LayerProgress(err, "apply");
        int changed = 0;
        List<LayerFailure> failed = new ArrayList<>();
        if (approveDestructive && spec.responses().distinctApprover()) {
            // Whoever runs this apply would approve its destructive changes: the same principal both ways.
            try (AwsClients caller = env.clients(spec)) {
                throw new IllegalArgumentException(selfApproval(spec.environment(), caller.sts().getCallerIdentity().arn(),
                        layers.stream().map(Layer::name).toList()));
            }
        }
        try (AwsClients caller = env.clients(spec);
             AwsClients aws = env.environmentClients(caller, spec, "apply")) {
            // The lock is the control plane's state: in the caller's (hub's) lock table, like the overrides.
            env.bootstrapEmulator(spec, caller);
            ApplyLock lock = ApplyLock.of(caller, spec.state());
            try (HeldLease lease = HeldLease.acquire(lock, spec.environment(), "qualisys apply", ControlPlane.leaseDuration(spec))) {
            Reconciler reconciler = env.reconciler(spec, aws, caller).fencedBy(lease.fence());
            for (int i = 0; i < layers.size(); i++) {
                String layer = layers.get(i).name();
                progress.started(layer, i, layers.size());
                try {
                    lease.renew();
                    Reconciler.ApplyResult result = reconciler.apply(layer, approveDestructive);
                    changed += result.applied().size();
                    String what = result.applied().isEmpty() ? "up to date" : result.applied().size() + " change(s) applied";
                    if (!result.isComplete()) what += ", " + result.pending().size() + " left for the next apply";
                    out.println(layer + ": " + what);
                    result.applied().forEach(c -> out.println("    " + c.action() + " " + c.logicalId()));
                    result.pending().forEach(p -> out.println("    pending " + p.change().action() + " " + p.change().logicalId() + ": " + p.reason()));
                    progress.done(layer, what);
                } catch (RuntimeException e) {
                    LayerFailure failure = new LayerFailure(layer, Errors.describe(e));
                    failed.add(failure);
                    out.println(layer + ": not applied: " + failure.reason());
                    progress.failed(failure, e);
                }
                out.flush();
            }
            }
            out.println("apply finished: " + changed + " change(s), " + aws.calls().mutating() + " mutating API call(s)"
                    + (failed.isEmpty() ? "" : "; " + failed.size() + " layer(s) not applied: "
                    + String.join(", ", failed.stream().map(LayerFailure::layer).toList())));
            out.flush();
        }
        if (!failed.isEmpty()) return QualisysCli.ERROR;
        return detailedExitCode && changed > 0 ? QualisysCli.CHANGES : QualisysCli.OK;
    }

    /**
     * The refusal of {@code --approve-destructive} where destructive changes need an approver other than the
     * run's starter: what to do instead is a provision run that another principal approves (IdentifyApprover
     * checks who answered, from CloudTrail).
     */
    static String selfApproval(String environment, String caller, List<String> layers) {
        String input = "{\"layers\":[" + String.join(",", layers.stream().map(l -> "\"" + l + "\"").toList()) + "]}";
        return "environment " + environment + " requires destructive changes to be approved by someone other than the one who"
                + " starts the run (responses.distinctApprover): --approve-destructive would be " + caller + " approving its own"
                + " apply. Nothing was applied or locked. Start the run on the control plane and have another principal approve it:"
                + " ./qualisys start provision --env " + environment + " --input '" + input + "', then, as another principal:"
                + " ./qualisys approve <execution name that start prints>";
    }
}
