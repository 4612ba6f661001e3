package com.qualisys.cli;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", description = "Shows what apply would change (read-only).")
class PlanCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    EnvironmentOptions env;

    @Option(names = "--format", defaultValue = "text", description = "text, json or markdown")
    ReportFormat format;

    String kind() {
        return "plan";
    }

    @Override
    public Integer call() {
        EnvironmentSpec spec = env.spec();
        List<Layer> layers = env.layers();
        try (AwsClients caller = env.clients(spec)) {
            AwsClients aws = env.environmentClients(caller, spec, kind());
            try {
                Report report = report(kind(), spec, aws, env.reconciler(spec, aws, caller), layers);
                command.commandLine().getOut().print(format.render(report));
                command.commandLine().getOut().flush();
                return report.hasChanges() ? QualisysCli.CHANGES : QualisysCli.OK;
            } finally {
                if (aws != caller) aws.close();
            }
        }
    }

    static Report report(String kind, EnvironmentSpec spec, AwsClients aws, Reconciler reconciler, List<Layer> layers) {
        List<Plan> plans = new ArrayList<>();
        for (Layer layer : layers) plans.add(reconciler.plan(layer.name()));
        return new Report(spec.environment(), kind, Instant.now(), plans, aws.calls().byOperation());
    }
}
