package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true, description = {
        "Undoes recorded budget actions (overrides such as the capped Playwright pool) through the budget-response"
                + " state machine, run by the local runner: the values recorded before them are put back and the"
                + " records are kept, marked RESTORED. Progress goes to stderr; stdout says what was restored (with --json:"
                + " the execution as JSON). Exit code: 0 done (or nothing to do), 1 unknown override or failure.",
        "  qualisys restore --env dev --override qualisys-monthly-500-2024-05-01-cap-playwright-pool",
        "  qualisys restore --env dev --all-expired"})
public final class RestoreCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Option(names = {"--env", "-e"}, required = true, description = "Environment.")
    String environment;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--override", paramLabel = "ID", description = "One override, by its id (in the budget notification and the drift report).")
        String overrideId;

        @Option(names = "--all-expired", description = "Every override whose budget period has ended.")
        boolean allExpired;
    }

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--json", description = "Print the execution as JSON (executionId, status, output or error and cause) instead of its"
            + " summary, and no progress lines.")
    boolean json;

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    java.nio.file.Path specs;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        SpecLoader loader = EnvironmentOptions.loader(specs);
        EnvironmentSpec spec = loader.load(environment);
        ObjectNode input = RunCommand.JSON.createObjectNode();
        input.put("environment", spec.environment());
        if (which.allExpired) {
            input.put("action", "restore-expired");
        } else {
            input.put("action", "restore");
            input.put("overrideId", which.overrideId);
        }
        try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
            ExecutionResult result = new LocalExecution(loader, spec, aws, emulator.emulator).run(SimulateEventCommand.machine(StateMachines.BUDGET_RESPONSE), input,
                    null, emulator.waitScale(null), null, json ? null : new ProgressPrinter(err));
            if (json) {
                RunCommand.print(out, result);
            } else {
                RunCommand.printStatus(out, StateMachines.BUDGET_RESPONSE.definitionName(), result);
                if (result.succeeded()) summary(out, result.output());
                out.flush();
            }
            return result.status() == ExecutionStatus.SUCCEEDED ? QualisysCli.OK : QualisysCli.ERROR;
        }
    }

    /** What was restored, override by override, in plain words. */
    private static void summary(PrintWriter out, JsonNode output) {
        int count = output.path("count").asInt();
        out.println(count == 0 ? "Nothing restored." + (output.hasNonNull("note") ? " " + output.get("note").asText() : "")
                : "Restored " + count + " override(s).");
        for (JsonNode r : output.path("restored")) {
            out.println("  - " + r.path("id").asText() + " on " + r.path("logicalId").asText() + ":");
            for (JsonNode c : r.path("changes")) {
                out.println("      " + c.path("path").asText() + ": " + c.path("after").asText() + " -> " + c.path("before").asText());
            }
        }
    }
}
