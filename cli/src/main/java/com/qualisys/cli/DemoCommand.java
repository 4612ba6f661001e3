package com.qualisys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ReportStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = {
        "Starts the local AWS emulator, runs the provision state machine for an environment through the",
        "local runner, then the drift-check state machine, and prints where the report is."})
final class DemoCommand implements Callable<Integer> {
    /** moto's EKS has no Kubernetes API behind its endpoint; the kubernetes layer is proven by tests against a real kube-apiserver. */
    static final List<String> DEMO_LAYERS = Layers.ORDER.stream().filter(l -> !l.equals("kubernetes")).toList();

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, defaultValue = "dev", description = "Environment to provision (default: dev).")
    String environment;

    @Option(names = "--reports", defaultValue = "reports", description = "Folder the drift report is copied to.")
    Path reports;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        SpecLoader specs = SpecLoader.standard();
        EnvironmentSpec spec = specs.load(environment);
        out.println("demo: starting the local AWS emulator (moto, plus documented-shape stubs for Budgets and Cost Anomaly Detection)...");
        out.flush();
        LocalAws emulator = LocalAws.shared();
        out.println("demo: emulator at " + emulator.endpoint());
        List<String> layers = Layers.all().stream().map(l -> l.name()).filter(DEMO_LAYERS::contains).toList();
        out.println("demo: layers " + String.join(", ", layers) + " (kubernetes needs a real API server; db-init needs a real PostgreSQL: both are covered by the tests)");
        Path machines = RepoPaths.root().resolve("statemachines");
        try (AwsClients aws = emulator.clients()) {
            LocalExecution local = new LocalExecution(specs, spec, aws, true);
            ObjectNode input = RunCommand.JSON.createObjectNode().put("environment", environment).put("runDbInit", false);
            input.putArray("layers").addAll(layers.stream().map(RunCommand.JSON.getNodeFactory()::textNode).toList());

            out.println("demo: provision");
            out.flush();
            ExecutionResult provision = local.run(machines.resolve("provision.asl.json"), input, "demo-provision", 0,
                    new InMemoryTaskTokenBroker(), new ProgressPrinter(out));
            if (provision.status() != ExecutionStatus.SUCCEEDED) {
                out.println("demo: provision failed: " + provision.error() + ": " + provision.cause());
                return QualisysCli.ERROR;
            }
            out.println("demo: " + provision.output().path("summary").asText());
            out.println("demo: drift-check");
            out.flush();
            ExecutionResult drift = local.run(machines.resolve("drift-check.asl.json"), input, "demo-drift-check", 0,
                    new InMemoryTaskTokenBroker(), new ProgressPrinter(out));
            if (drift.status() != ExecutionStatus.SUCCEEDED) {
                out.println("demo: drift-check failed: " + drift.error() + ": " + drift.cause());
                return QualisysCli.ERROR;
            }
            ReportStore store = new ReportStore(aws.s3(), local.controlPlane().settings().reportBucket(spec));
            Path dir = reports.resolve(environment);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("latest.md"), store.latestMarkdown(environment).orElseThrow());
            Files.writeString(dir.resolve("latest.json"), store.latestJson(environment).orElseThrow());
            out.println(drift.output().path("summary").asText().strip());
            boolean found = drift.output().path("drift").asBoolean() || drift.output().path("failedLayers").asInt() > 0;
            out.println(found ? "demo: drift found" : "demo: no drift");
            out.println("demo: report s3://" + store.bucket() + "/" + drift.output().path("reportKey").asText()
                    + " (emulator), copied to " + dir.resolve("latest.md") + " and " + dir.resolve("latest.json"));
            return found ? QualisysCli.CHANGES : QualisysCli.OK;
        }
    }
}
