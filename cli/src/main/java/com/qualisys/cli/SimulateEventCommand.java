package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.EventKind;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.anomaly.CostAnomalyParser;
import com.qualisys.controlplane.events.budget.BudgetAlertParser;
import com.qualisys.controlplane.events.security.CloudTrailEventParser;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "simulate-event", mixinStandardHelpOptions = true, description = {
        "Runs the control plane's response to an event (a CloudTrail call, a budget or cost anomaly alert) with the local runner.",
        "It runs against the endpoint the environment points to: a CloudTrail call as EventBridge delivers it runs security-response; an AWS Budgets"
                + " notification or a Cost Anomaly Detection alert (Lambda SNS event, SNS message, aws.ce event) runs"
                + " budget-response. The event is checked first: a malformed one is refused and nothing is done.",
        "Placeholders $${<logical-id>} in the file (e.g. $${vpc/security-group/rds}) become that managed resource's"
                + " physical id, so one sample works in every account. Progress goes to stderr; stdout gets how the response"
                + " ended and its notification (with --json: the execution as JSON). Exit code: 0 the response ran, 1 refused or failed.",
        "  qualisys simulate-event --env dev examples/events/rds-sg-opened-to-internet.json",
        "  qualisys simulate-event --env dev --dry-run examples/events/budget-100-percent-sns-event.json"})
public final class SimulateEventCommand implements Callable<Integer> {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern LOGICAL_ID = Pattern.compile("[a-z]+/[a-z0-9-]+/[A-Za-z0-9._/:-]+");

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", paramLabel = "EVENT_FILE", description = "The event (JSON, or the text of a budget notification); - reads stdin.")
    String file;

    @Option(names = {"--env", "-e"}, required = true, description = "Environment whose spec, policy and endpoint the response uses.")
    String environment;

    @Option(names = "--dry-run", description = "Show the planned response; change nothing, publish nothing.")
    boolean dryRun;

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--json", description = "Print the execution as JSON (executionId, status, output or error and cause) instead of its"
            + " summary, and no progress lines.")
    boolean json;

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    Path specs;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        String text = read(file);
        SpecLoader loader = EnvironmentOptions.loader(specs);
        EnvironmentSpec spec = loader.load(environment);
        try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
            String event = PLACEHOLDER.matcher(text).find() ? resolvePlaceholders(text, spec, aws) : text;
            EventKind kind = check(event);
            ObjectNode input = RunCommand.JSON.createObjectNode();
            input.put("environment", spec.environment());
            JsonNode payload = event.strip().startsWith("{") ? RunCommand.JSON.readTree(event) : RunCommand.JSON.getNodeFactory().textNode(event);
            input.set(kind == EventKind.SECURITY ? "event" : "alert", payload);
            input.put("dryRun", dryRun);
            if (!json) err.println("simulate-event: " + kind.name().toLowerCase(java.util.Locale.ROOT) + " event → " + kind.stateMachine()
                    + (dryRun ? " (dry run)" : ""));
            ExecutionResult result = new LocalExecution(loader, spec, aws, emulator.emulator).run(machine(StateMachines.byName(kind.stateMachine()).orElseThrow()), input, null,
                    emulator.waitScale(null), null, json ? null : new ProgressPrinter(err));
            if (json) {
                RunCommand.print(out, result);
            } else {
                RunCommand.printStatus(out, kind.stateMachine(), result);
                if (result.succeeded()) describe(out, result.output());
            }
            return result.status() == ExecutionStatus.SUCCEEDED ? QualisysCli.OK : QualisysCli.ERROR;
        }
    }

    static Path machine(StateMachines machine) {
        return RepoPaths.root().resolve(machine.definitionFile());
    }

    /** The response in plain words: the notification (or the dry run's plan, or why the event was ignored). */
    private static void describe(PrintWriter err, JsonNode output) {
        JsonNode n = output.path("notification");
        if (n.hasNonNull("subject")) {
            err.println();
            boolean published = output.path("published").asBoolean(false) || output.at("/publish/messageId").isTextual();
            err.println((published ? "Published: " : "Not published: ") + n.get("subject").asText());
            err.println(n.path("body").asText());
        } else if (output.has("actions")) {
            err.println();
            err.println("Planned response (dry run):");
            output.get("actions").forEach(a -> err.println("  - " + a.path("describe").asText()));
        } else if (output.path("ignored").asBoolean(false)) {
            err.println();
            err.println("Ignored: " + output.path("ignoredBecause").asText());
        }
        err.flush();
    }

    private static String read(String file) throws IOException {
        if (file.equals("-")) return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no event file " + file);
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** Parses the event as its response will (before any AWS call): a malformed event is rejected here. */
    static EventKind check(String event) {
        try {
            EventKind kind = EventKind.of(event);
            switch (kind) {
                case SECURITY -> CloudTrailEventParser.parse(event);
                case BUDGET -> BudgetAlertParser.parse(event);
                case ANOMALY -> CostAnomalyParser.parse(event);
            }
            return kind;
        } catch (EventParseException e) {
            throw new IllegalArgumentException("event rejected: " + e.getMessage() + "; nothing was done");
        }
    }

    /** ${<logical-id>} → the managed resource's physical id in this environment (read-only look-ups). */
    private static String resolvePlaceholders(String text, EnvironmentSpec spec, AwsClients aws) {
        Reconciler reconciler = new Reconciler(spec, aws, Layers.all());
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String id = m.group(1);
            if (!LOGICAL_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("placeholder ${" + id + "} is not a logical id like ${vpc/security-group/rds}");
            }
            String physical = reconciler.index().physicalId(id).orElseThrow(() -> new IllegalArgumentException(
                    "placeholder ${" + id + "}: " + spec.environment() + " has no such resource (apply layer "
                            + id.substring(0, id.indexOf('/')) + " first)"));
            m.appendReplacement(sb, Matcher.quoteReplacement(physical));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
