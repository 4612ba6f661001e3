package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.FileTaskTokenBroker;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.cli.local.ProgressPrinter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Runs a state machine with the local runner: Task states call the Java handlers in-process, against the AWS"
                + " endpoint the environment points to (the emulator or a real account).",
        "Progress goes to stderr; stdout gets a summary of how the execution ended (with --json: the execution as JSON).",
        "Exit code: 0 succeeded, 2 succeeded with drift or failed layers, 1 failed.",
        "  qualisys run provision --env dev --local",
        "  qualisys run drift-check --env dev --local",
        "  qualisys run --definition my.asl.json --input '{\"a\":1}' --local"})
public final class RunCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(index = "0", arity = "0..1", description = "provision, drift-check, security-response or budget-response")
    String machine;

    @Option(names = "--definition", description = "Any ASL file (instead of a named state machine).")
    Path definition;

    @Option(names = "--input", description = "Execution input JSON. Default: {\"environment\":\"<env>\"}.")
    String input;

    @Option(names = {"--env", "-e"}, description = "Environment whose endpoint and spec the handlers use.")
    String environment;

    @Option(names = "--local", required = true, description = "Run in-process (required: `start` runs on AWS).")
    boolean local;

    @Option(names = "--endpoint-url", description = EnvironmentOptions.ENDPOINT_URL_HELP)
    String endpointUrl;

    @picocli.CommandLine.Mixin
    EmulatorOption emulator = new EmulatorOption();

    @Option(names = "--wait-scale", description = "Multiplies Wait states and retry intervals. Default: 0 with --emulator, else 1 (real time).")
    Double waitScale;

    @Option(names = "--approve-destructive", description = "Approve destructive changes up front (no approval wait).")
    boolean approveDestructive;

    @Option(names = "--json", description = "Print the execution as JSON (executionId, status, output or error and cause) instead of its summary; progress still goes to stderr.")
    boolean json;

    @Option(names = "--name", description = "Execution name. Default: a random id.")
    String executionName;

    @Option(names = "--specs", description = EnvironmentOptions.SPECS_HELP)
    Path specs;

    @Option(names = "--tokens-dir", description = "Where waiting approvals are announced for `qualisys approve --local`."
            + " Default: .qualisys/tokens")
    Path tokensDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        if ((machine == null) == (definition == null)) {
            throw new IllegalArgumentException("name a state machine (provision, drift-check, ...) or --definition FILE, not both");
        }
        Path file = definition != null ? definition : RepoPaths.root().resolve("statemachines").resolve(machine + ".asl.json");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no state machine " + file);
        JsonNode executionInput = parseInput();
        String name = executionName != null ? executionName : UUID.randomUUID().toString();

        SpecLoader loader = EnvironmentOptions.loader(specs);
        EnvironmentSpec spec = environment == null ? null : loader.load(environment);
        if (spec == null && executionInput.hasNonNull("environment")) spec = loader.load(executionInput.get("environment").asText());
        // drift-check-all covers every environment: the first one's spec names the region and endpoint of the hub.
        if (spec == null && StateMachines.DRIFT_CHECK_ALL.definitionName().equals(machine)) spec = loader.load(loader.environmentNames().get(0));
        if (spec == null && machine != null) throw new IllegalArgumentException("--env is required to run " + machine);

        ExecutionResult result;
        if (spec == null) {
            result = LocalRunner.builder().waitScale(emulator.waitScale(waitScale)).dispatcher((resource, in, ctx) -> {
                throw new com.qualisys.asl.TaskFailedException("States.TaskFailed", "no environment given (--env): tasks cannot run");
            }).build().execute(StateMachineDefinition.load(file, Map.of()), executionInput, name);
        } else {
            double scale = emulator.waitScale(waitScale);
            try (AwsClients aws = LocalControlPlane.clients(spec, endpointUrl, emulator.emulator)) {
                String answer = "--local" + (tokensDir != null ? " --tokens-dir " + tokensDir.toAbsolutePath() : "");
                result = new LocalExecution(loader, spec, aws, emulator.emulator).run(file, executionInput, name, scale,
                        new FileTaskTokenBroker(tokensDir != null ? tokensDir.toAbsolutePath() : tokenDirectory()),
                        new ProgressPrinter(err, name, answer));
            }
        }
        if (json) print(out, result);
        else printSummary(out, machine != null ? machine : file.getFileName().toString(), result);
        return exitCode(result.status() == ExecutionStatus.SUCCEEDED, result.output());
    }

    /** 1 for a failed execution; 2 when its output says drift was found or layers failed; else 0. */
    static int exitCode(boolean succeeded, JsonNode output) {
        if (!succeeded) return QualisysCli.ERROR;
        boolean changes = output != null && (output.path("drift").asBoolean(false) || output.path("failedLayers").asInt(0) > 0
                || output.path("errors").asInt(0) > 0);
        return changes ? QualisysCli.CHANGES : QualisysCli.OK;
    }

    /** The default token directory of local runs, shared with `qualisys approve|reject --local`. */
    static Path tokenDirectory() {
        return Path.of(".qualisys", "tokens").toAbsolutePath();
    }

    /**
     * The execution input. Any JSON value runs a --definition file, as AWS accepts any JSON value
     * as execution input; the named state machines read fields of it, so they take an object.
     * --env and --approve-destructive add their fields to an object input.
     */
    private JsonNode parseInput() throws IOException {
        JsonNode parsed;
        try {
            parsed = input == null ? JSON.createObjectNode() : JSON.readTree(input);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--input is " + Errors.describe(e));
        }
        if (parsed == null || parsed.isMissingNode()) throw new IllegalArgumentException("--input is empty; give a JSON value");
        if (!(parsed instanceof ObjectNode in)) {
            if (machine != null) throw new IllegalArgumentException("--input of " + machine + " must be a JSON object, got: " + input);
            if (approveDestructive) throw new IllegalArgumentException("--approve-destructive needs a JSON object --input, got: " + input);
            return parsed;
        }
        if (environment != null && !in.has("environment")) in.put("environment", environment);
        if (approveDestructive) in.put("approveDestructive", true);
        return in;
    }

    /**
     * How an execution ended, for a person: its status, then the output's summary when it has one
     * (the drift report, the provision result), else its output fields; a failure's cause, never a
     * Java class name.
     */
    static void printSummary(PrintWriter out, String name, ExecutionResult result) {
        printStatus(out, name, result);
        if (result.status() == ExecutionStatus.SUCCEEDED) {
            JsonNode output = result.output();
            if (output != null && output.hasNonNull("summary")) {
                out.println(output.get("summary").asText().strip());
            } else if (output != null && output.isObject()) {
                output.fields().forEachRemaining(f -> out.println("  " + f.getKey() + ": "
                        + (f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString())));
            }
        }
        out.flush();
    }

    /** The line saying how an execution ended; a failure adds its cause, never a Java class name. */
    static void printStatus(PrintWriter out, String name, ExecutionResult result) {
        out.println(name + " " + result.executionId() + ": " + result.status());
        if (result.status() != ExecutionStatus.SUCCEEDED) {
            String error = result.error() == null || JAVA_CLASS.matcher(result.error()).matches() ? "" : result.error() + ": ";
            out.println("  " + error + (result.cause() == null ? "" : com.qualisys.controlplane.engine.LayerFailure.oneLine(result.cause())));
        }
        out.flush();
    }

    private static final java.util.regex.Pattern JAVA_CLASS = java.util.regex.Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*");

    static void print(PrintWriter out, ExecutionResult result) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("executionId", result.executionId());
        doc.put("status", result.status().name());
        if (result.status() == ExecutionStatus.SUCCEEDED) {
            doc.set("output", result.output());
        } else {
            doc.put("error", result.error());
            doc.put("cause", result.cause());
        }
        out.println(JSON.writeValueAsString(doc));
        out.flush();
    }
}
