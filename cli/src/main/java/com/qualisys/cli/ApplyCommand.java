package com.qualisys.cli;

import com.qualisys.cli.local.HeldLease;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", description = {"Brings the environment to its spec, layer by layer in dependency order.",
        "Holds the environment's lock while it runs: a provision or another apply in progress is named and this one refuses."})
final class ApplyCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    EnvironmentOptions env;

    @Option(names = "--approve-destructive", description = "Also carry out destructive changes (deletes and replacements of stateful resources).")
    boolean approveDestructive;

    @Override
    public Integer call() {
        EnvironmentSpec spec = env.spec();
        List<Layer> layers = env.layers();
        PrintWriter out = command.commandLine().getOut();
        int changed = 0;
        try (AwsClients caller = env.clients(spec);
             AwsClients aws = env.environmentClients(caller, spec, "apply")) {
            // The lock is the control plane's state: in the caller's (hub's) lock table, like the overrides.
            LocalControlPlane.bootstrapStateOnEmulator(spec, caller);
            ApplyLock lock = ApplyLock.of(caller, spec.state());
            try (HeldLease lease = HeldLease.acquire(lock, spec.environment(), "qualisys apply", ControlPlane.leaseDuration(spec))) {
                Reconciler reconciler = env.reconciler(spec, aws, caller).fencedBy(lease.fence());
                for (Layer layer : layers) {
                    lease.renew();
                    Reconciler.ApplyResult result = reconciler.apply(layer.name(), approveDestructive);
                    changed += result.applied().size();
                    out.println(layer.name() + ": " + (result.applied().isEmpty() ? "up to date" : result.applied().size() + " change(s) applied"));
                    result.applied().forEach(c -> out.println("    " + c.action() + " " + c.logicalId()));
                    out.flush();
                }
            }
            out.println("apply finished: " + changed + " change(s), " + aws.calls().mutating() + " mutating API call(s)");
        }
        return changed == 0 ? QualisysCli.OK : QualisysCli.CHANGES;
    }
}
