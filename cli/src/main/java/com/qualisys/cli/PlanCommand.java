package com.qualisys.cli;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerFailure;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = {
        "Shows what apply would change, layer by layer (read-only).",
        "A layer that cannot be planned (unreachable, no permission) is reported as \"not checked: <reason>\" beside"
                + " the layers that were; progress goes to stderr, the plan to stdout.",
        "Exit code: 0 no changes, 2 changes, 1 a layer could not be planned or an error."})
class PlanCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Mixin
    EnvironmentOptions env;

    @Option(names = "--format", defaultValue = "text", description = "${COMPLETION-CANDIDATES}. Default: text.")
    ReportFormat format;

    String kind() {
        return "plan";
    }

    @Override
    public Integer call() {
        EnvironmentSpec spec = env.spec();
        List<Layer> layers = env.layers();
        PrintWriter err = command.commandLine().getErr();
        try (AwsClients caller = env.clients(spec)) {
            AwsClients aws = env.environmentClients(caller, spec, kind());
            try {
                Report report = report(kind(), spec, aws, env.reconciler(spec, aws, caller), layers, new LayerProgress(err, kind()));
                report = completed(report, spec, aws, caller);
                afterReport(report, spec, caller, err);
                command.commandLine().getOut().print(format.render(report));
                command.commandLine().getOut().flush();
                if (!report.isComplete()) return QualisysCli.ERROR;
                return report.hasChanges() ? QualisysCli.CHANGES : QualisysCli.OK;
            } finally {
                if (aws != caller) aws.close();
            }
        }
    }

    /** The report as printed (drift adds who changed each drifted resource); aws acts in the environment's account. */
    Report completed(Report report, EnvironmentSpec spec, AwsClients aws, AwsClients caller) {
        return report;
    }

    /** What a command does with its report besides printing it (drift stores it). */
    void afterReport(Report report, EnvironmentSpec spec, AwsClients aws, PrintWriter err) {}

    /**
     * Plans each layer on its own: a layer that fails is reported as not checked, with its reason,
     * and the others are planned all the same.
     */
    static Report report(String kind, EnvironmentSpec spec, AwsClients aws, Reconciler reconciler, List<Layer> layers,
                         LayerProgress progress) {
        List<Plan> plans = new ArrayList<>();
        List<LayerFailure> notChecked = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i).name();
            progress.started(layer, i, layers.size());
            try {
                Plan plan = reconciler.plan(layer);
                plans.add(plan);
                progress.planned(plan);
            } catch (RuntimeException e) {
                LayerFailure failure = new LayerFailure(layer, Errors.describe(e));
                notChecked.add(failure);
                progress.failed(failure, e);
            }
        }
        return new Report(spec.environment(), kind, Instant.now(), plans, aws.calls().byOperation(), notChecked);
    }
}
