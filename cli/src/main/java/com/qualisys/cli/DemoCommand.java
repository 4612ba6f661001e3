package com.qualisys.cli;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Starts the local AWS emulator, provisions an environment, drift-checks it and prints the report.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, defaultValue = "dev", description = "Environment to provision (default: dev).")
    String environment;

    @Option(names = "--reports", defaultValue = "reports", description = "Folder the drift report is written to.")
    Path reports;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        EnvironmentSpec spec = SpecLoader.standard().load(environment);
        out.println("demo: starting the local AWS emulator (moto)...");
        out.flush();
        // moto, plus documented-shape stubs for the operations it lacks (Budgets, Cost Anomaly Detection).
        LocalAws moto = LocalAws.shared();
        out.println("demo: emulator at " + moto.endpoint());
        List<Layer> layers = Layers.all();
        try (AwsClients aws = moto.clients()) {
            Reconciler reconciler = new Reconciler(spec, aws, layers);
            for (Layer layer : layers) {
                long started = System.nanoTime();
                Reconciler.ApplyResult result = reconciler.apply(layer.name(), false);
                out.printf("provision %-11s %3d change(s) in %d ms%n", layer.name(), result.applied().size(),
                        (System.nanoTime() - started) / 1_000_000);
                out.flush();
            }
            Report drift = PlanCommand.report("drift", spec, aws, new Reconciler(spec, aws, layers), layers);
            Path dir = reports.resolve(environment);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("latest.json"), ReportRenderer.json(drift));
            Files.writeString(dir.resolve("latest.md"), ReportRenderer.markdown(drift));
            out.print(ReportRenderer.text(drift));
            out.println(drift.hasChanges() ? "demo: drift found" : "demo: no drift");
            out.println("demo: report written to " + dir.resolve("latest.md") + " and " + dir.resolve("latest.json"));
            return drift.hasChanges() ? QualisysCli.CHANGES : QualisysCli.OK;
        }
    }
}
