package com.qualisys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.cli.aws.Backoff;
import com.qualisys.cli.aws.ExecutionSummary;
import com.qualisys.cli.aws.ExecutionWatcher;
import com.qualisys.cli.aws.StartInput;
import com.qualisys.cli.aws.StateMachineLocator;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

@Command(name = "start", mixinStandardHelpOptions = true, description = {
        "Starts the deployed state machine (qualisys-provision or qualisys-drift-check) in AWS and follows the execution:"
                + " one line per finished task on stderr, then how it ended.",
        "Exit code: 0 succeeded, 2 succeeded with drift or failed layers, 1 failed, timed out or aborted.",
        "  qualisys start provision --env dev",
        "  qualisys start provision --env dev --input '{\"layers\":[\"vpc\"],\"approveDestructive\":false}'",
        "  qualisys start drift-check --env production --json"})
public final class StartCommand implements Callable<Integer> {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'");

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", description = "provision or drift-check")
    String machine;

    @Option(names = {"--env", "-e"}, description = "Environment; its spec names the region (and endpoint)."
            + " Required except for drift-check-all (all environments; the first environment's spec names the region).")
    String environment;

    @Option(names = "--input", description = "More input fields as a JSON object: layers (both machines), approveDestructive and"
            + " runDbInit (provision); environment is --env. Default: {\"environment\":\"<env>\"}. See docs/cli-aws.md.")
    String input;

    @Option(names = "--json", description = "Print only how it ended, as JSON (no progress lines).")
    boolean json;

    @Option(names = "--state-machine-arn", description = "The state machine to start. Default: the one named qualisys-<machine>.")
    String stateMachineArn;

    @Option(names = "--name", description = "Execution name (unique per state machine for 90 days). Default: <env>-<UTC time>-<random>.")
    String executionName;

    @Option(names = "--no-wait", description = "Print the execution ARN and return without following it.")
    boolean noWait;

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    Path specs;

    @Option(names = "--poll-interval", hidden = true, defaultValue = "1000",
            description = "First history poll interval in ms (backs off to 15 times it while nothing happens).")
    long pollMillis;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        StateMachines target = StartInput.machine(machine);
        SpecLoader loader = EnvironmentOptions.loader(specs);
        if (environment == null && target != StateMachines.DRIFT_CHECK_ALL) {
            throw new IllegalArgumentException("--env is required to start " + target.definitionName());
        }
        EnvironmentSpec spec = loader.load(environment != null ? environment : loader.environmentNames().get(0));
        ObjectNode executionInput = StartInput.build(target, spec.environment(), input, Layers.all().stream().map(Layer::name).toList());
        String name = executionName != null ? executionName
                : defaultName(target == StateMachines.DRIFT_CHECK_ALL ? "all" : spec.environment());
        StateMachineLocator.checkName("--name", name);

        try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
            var sfn = aws.stepFunctions();
            // approveDestructive: true is accepted only on the approved provision, which only the approver may start.
            boolean approved = target == StateMachines.PROVISION && executionInput.path("approveDestructive").asBoolean(false);
            String deployed = approved ? StateMachines.deployedName(StateMachines.APPROVED_PROVISION) : target.deployedName();
            String arn = stateMachineArn != null ? new StateMachineLocator(sfn).stateMachineArn(stateMachineArn)
                    : new StateMachineLocator(sfn).arnByName(deployed);
            String executionArn = sfn.startExecution(r -> r.stateMachineArn(arn).name(name).input(executionInput.toString()))
                    .executionArn();
            if (noWait) {
                out.println(executionArn);
                out.flush();
                return QualisysCli.OK;
            }
            if (!json) {
                err.println("started " + executionArn);
                if (aws.endpoint() == null) err.println("  console: " + consoleUrl(aws.region().id(), executionArn));
                err.flush();
            }
            ExecutionWatcher watcher = new ExecutionWatcher(sfn, Backoff.startingAt(pollMillis), line -> {
                if (!json) {
                    err.println(line);
                    err.flush();
                }
            });
            DescribeExecutionResponse end = watcher.watch(executionArn);
            ExecutionSummary summary = ExecutionSummary.of(end);
            out.print(json ? RunCommand.JSON.writeValueAsString(summary.json()) + System.lineSeparator() : summary.text());
            out.flush();
            return RunCommand.exitCode(summary.succeeded(), summary.output());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String defaultName(String environment) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return environment + "-" + NAME_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-" + HexFormat.of().formatHex(random);
    }

    static String consoleUrl(String region, String executionArn) {
        return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region + "#/v2/executions/details/" + executionArn;
    }
}
