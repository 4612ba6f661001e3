package com.qualisys.cli;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", description = "Brings the environment to its spec, layer by layer in dependency order.")
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
            Reconciler reconciler = env.reconciler(spec, aws, caller);
            for (Layer layer : layers) {
                Reconciler.ApplyResult result = reconciler.apply(layer.name(), approveDestructive);
                changed += result.applied().size();
                out.println(layer.name() + ": " + (result.applied().isEmpty() ? "up to date" : result.applied().size() + " change(s) applied"));
                result.applied().forEach(c -> out.println("    " + c.action() + " " + c.logicalId()));
                out.flush();
            }
            out.println("apply finished: " + changed + " change(s), " + aws.calls().mutating() + " mutating API call(s)");
        }
        return changed == 0 ? QualisysCli.OK : QualisysCli.CHANGES;
    }
}
