package com.qualisys.cli;

import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportJson;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Prints the latest drift report of an environment, as the drift-check state machine stored it in the report bucket"
                + " (reports/<env>/latest.json and .md).",
        "Exit code: 0 no drift, 2 drift, 1 no report or error.",
        "  qualisys report --env production",
        "  qualisys report --env dev --format markdown"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, required = true, description = "Environment; its spec names the report bucket and region.")
    String environment;

    @Option(names = "--format", defaultValue = "text", description = "${COMPLETION-CANDIDATES}. Default: text.")
    ReportFormat format;

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    Path specs;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        EnvironmentSpec spec = EnvironmentOptions.loader(specs).load(environment);
        String env = spec.environment();
        try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
            ReportStore store = ReportStore.of(aws, spec);
            String location = "s3://" + store.bucket() + "/reports/" + env + "/latest.json";
            String json = store.latestJson(env).orElseThrow(() -> new IllegalStateException("no drift report for " + env + " yet (no "
                    + location + "): run `qualisys start drift-check --env " + env + "` or wait for its schedule"));
            Report report = ReportJson.read(json, location);
            String rendered = switch (format) {
                case json -> json;
                case text -> ReportFormat.text.render(report);
                case markdown -> store.latestMarkdown(env).orElseGet(() -> ReportFormat.markdown.render(report));
            };
            err.println(report.kind() + " report of " + env + ", generated " + report.generatedAt() + " (" + location + ")");
            err.flush();
            out.print(rendered.endsWith("\n") ? rendered : rendered + "\n");
            out.flush();
            return report.hasChanges() ? QualisysCli.CHANGES : QualisysCli.OK;
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("the report bucket " + spec.reportBucket() + " does not exist in "
                    + spec.aws().region() + ": deploy the control plane (infra-cdk, docs/deploy.md)");
        }
    }
}
