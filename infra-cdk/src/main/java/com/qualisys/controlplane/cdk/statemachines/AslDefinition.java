package com.qualisys.controlplane.cdk.statemachines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.asl.AslDefinitionException;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code statemachines/*.asl.json} file as the CDK app sees it: the text it deploys unchanged,
 * the {@code ${...}} placeholders it substitutes, and what the state machine's role must be allowed
 * to do (which functions it invokes, which topics it publishes to, whether it puts events or
 * touches the lock table; which functions it invokes in the environments' own accounts). Pure: reads a
 * string, talks to nothing. The definition must pass the
 * asl-runner's parser, so what is deployed is what {@code qualisys run --local} can run.
 */
public record AslDefinition(
        String name,
        String source,
        String text,
        Set<String> placeholders,
        Set<FunctionCatalog> invokedFunctions,
        Set<FunctionCatalog> environmentFunctions,
        Set<String> publishedTopics,
        boolean putsEvents,
        Set<String> lockTableActions) {

    public static final String SUFFIX = ".asl.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    /**
     * How a Task names a function deployed in each environment's account ({@link FunctionCatalog#inEnvironmentAccount()}):
     * its live alias's ARN, built from the region and account the run's input carries.
     */
    private static final Pattern IN_ENVIRONMENT_ACCOUNT = Pattern.compile(
            "States\\.Format\\('arn:aws:lambda:\\{}:\\{}:function:([a-z0-9-]+):" + FunctionCatalog.LIVE_ALIAS + "', *\\$[^,]*, *\\$[^,]*\\)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    private static final String SNS_PUBLISH = "arn:aws:states:::sns:publish";
    private static final String EVENTS_PUT = "arn:aws:states:::events:putEvents";
    private static final String DYNAMODB = "arn:aws:states:::dynamodb:";
    private static final Map<String, String> DYNAMODB_ACTIONS = Map.of(
            "getItem", "dynamodb:GetItem", "putItem", "dynamodb:PutItem",
            "updateItem", "dynamodb:UpdateItem", "deleteItem", "dynamodb:DeleteItem");

    /** The placeholders every definition may use besides the functions' {@code <Name>FunctionArn}. */
    public static final Set<String> STATE_PLACEHOLDERS =
            Set.of("AlertTopicArn", "DriftTopicArn", "ReportBucket", "LockTable", "EventBusName");
    public static final Set<String> TOPIC_PLACEHOLDERS = Set.of("AlertTopicArn", "DriftTopicArn");

    /** Every placeholder a definition may use, sorted: the hub's functions (not those in the environments' accounts). */
    public static Set<String> knownPlaceholders() {
        Set<String> known = new TreeSet<>(STATE_PLACEHOLDERS);
        for (FunctionCatalog f : FunctionCatalog.values()) if (!f.inEnvironmentAccount()) known.add(f.arnPlaceholder());
        return known;
    }

    public static AslDefinition read(Path file) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(SUFFIX)) throw new IllegalArgumentException(file + " is not a *" + SUFFIX + " file");
        try {
            return parse(fileName.substring(0, fileName.length() - SUFFIX.length()), "statemachines/" + fileName,
                    Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param name   the file name without {@code .asl.json}; the state machine is {@code qualisys-<name>}
     * @param source how errors name the file, e.g. {@code statemachines/provision.asl.json}
     */
    public static AslDefinition parse(String name, String source, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AslException(source + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.path("States").isObject()) {
            throw new AslException(source + " has no States object: it is not an Amazon States Language definition");
        }
        try {
            // The local runner's parser: the same checks `qualisys run` makes (every state and field
            // valid in its query language, transitions, reachability), placeholders left as text.
            StateMachineDefinition.parse(text);
        } catch (AslDefinitionException e) {
            throw new AslException(source + " is not a valid state machine definition: "
                    + String.join("; ", e.problems()));
        }
        Set<String> placeholders = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) placeholders.add(m.group(1));
        Set<String> unknown = new TreeSet<>(placeholders);
        unknown.removeAll(knownPlaceholders());
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (f.inEnvironmentAccount() && unknown.contains(f.arnPlaceholder())) {
                throw new AslException(source + " uses ${" + f.arnPlaceholder() + "}, but " + f.deployedName() + " runs in each"
                        + " environment's own account, not in the hub: name it as \"FunctionName.$\": \"" + formatOf(f) + "\"");
            }
        }
        if (!unknown.isEmpty()) {
            throw new AslException(source + " uses ${" + String.join("}, ${", unknown) + "}, which the CDK app does not"
                    + " substitute; known placeholders: " + String.join(", ", knownPlaceholders()));
        }
        Collector c = new Collector(source);
        c.states(root.get("States"));
        return new AslDefinition(name, source, text, Set.copyOf(placeholders), Set.copyOf(c.functions),
                Set.copyOf(c.environmentFunctions), Set.copyOf(c.topics), c.putsEvents, Set.copyOf(c.lockTableActions));
    }

    /** How a Task names a function of the environments' accounts (provision: the lock step's region and account). */
    static String formatOf(FunctionCatalog f) {
        return "States.Format('arn:aws:lambda:{}:{}:function:" + f.deployedName() + ":" + FunctionCatalog.LIVE_ALIAS
                + "', $.run.region, $.run.account)";
    }

    /** The deployed state machine's name. */
    public String stateMachineName() {
        return com.qualisys.controlplane.handlers.StateMachines.deployedName(name);
    }

    /** Walks every Task state, including those inside Parallel branches and Map processors. */
    private static final class Collector {
        final String source;
        final Set<FunctionCatalog> functions = new TreeSet<>();
        final Set<FunctionCatalog> environmentFunctions = new TreeSet<>();
        final Set<String> topics = new TreeSet<>();
        final Set<String> lockTableActions = new TreeSet<>();
        boolean putsEvents;

        Collector(String source) {
            this.source = source;
        }

        void states(JsonNode states) {
            Iterator<Map.Entry<String, JsonNode>> it = states.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                state(e.getKey(), e.getValue());
            }
        }

        void state(String stateName, JsonNode state) {
            switch (state.path("Type").asText()) {
                case "Task" -> task(stateName, state);
                case "Parallel" -> state.path("Branches").forEach(b -> states(b.path("States")));
                case "Map" -> {
                    if (state.has("ItemProcessor")) states(state.path("ItemProcessor").path("States"));
                    if (state.has("Iterator")) states(state.path("Iterator").path("States"));
                }
                default -> { }
            }
        }

        void task(String stateName, JsonNode state) {
            String resource = state.path("Resource").asText();
            // JSONPath states put service parameters in Parameters, JSONata states in Arguments.
            JsonNode args = state.has("Arguments") ? state.path("Arguments") : state.path("Parameters");
            String integration = resource.replaceFirst("\\.(waitForTaskToken|sync(:2)?)$", "");
            if (resource.startsWith("${")) {
                functions.add(function(stateName, resource));
            } else if (integration.equals(LAMBDA_INVOKE) && args.has("FunctionName.$")) {
                environmentFunctions.add(environmentFunction(stateName, args.path("FunctionName.$").asText()));
            } else if (integration.equals(LAMBDA_INVOKE)) {
                functions.add(function(stateName, args.path("FunctionName").asText()));
            } else if (integration.equals(SNS_PUBLISH)) {
                String topic = placeholderOf(args.path("TopicArn").asText());
                if (topic == null || !TOPIC_PLACEHOLDERS.contains(topic)) {
                    throw new AslException(source + ": state " + stateName + " publishes to TopicArn "
                            + args.path("TopicArn") + "; it must be one of ${" + String.join("}, ${", new TreeSet<>(TOPIC_PLACEHOLDERS)) + "}");
                }
                topics.add(topic);
            } else if (integration.equals(EVENTS_PUT)) {
                putsEvents = true;
            } else if (integration.startsWith(DYNAMODB)
                    && DYNAMODB_ACTIONS.containsKey(integration.substring(DYNAMODB.length()))) {
                if (!"LockTable".equals(placeholderOf(args.path("TableName").asText()))) {
                    throw new AslException(source + ": state " + stateName + " uses DynamoDB table "
                            + args.path("TableName") + "; the only table it may use is ${LockTable}");
                }
                lockTableActions.add(DYNAMODB_ACTIONS.get(integration.substring(DYNAMODB.length())));
            } else {
                throw new AslException(source + ": state " + stateName + " has Resource " + resource
                        + ", an integration the CDK app grants nothing for (supported: a ${<Name>FunctionArn}, "
                        + LAMBDA_INVOKE + ", " + SNS_PUBLISH + ", " + EVENTS_PUT + ", " + DYNAMODB + "{"
                        + String.join(",", new TreeSet<>(DYNAMODB_ACTIONS.keySet())) + "})");
            }
        }

        FunctionCatalog function(String stateName, String reference) {
            String placeholder = placeholderOf(reference);
            Optional<FunctionCatalog> f = Arrays.stream(FunctionCatalog.values())
                    .filter(c -> c.arnPlaceholder().equals(placeholder)).findFirst();
            return f.orElseThrow(() -> new AslException(source + ": state " + stateName + " invokes " + reference
                    + "; a Task must name its function as ${<Name>FunctionArn} of the FunctionCatalog"));
        }

        /** A function of the environments' accounts, by the ARN the run builds for the environment's account. */
        FunctionCatalog environmentFunction(String stateName, String expression) {
            Matcher m = IN_ENVIRONMENT_ACCOUNT.matcher(expression);
            Optional<FunctionCatalog> f = m.matches() ? Arrays.stream(FunctionCatalog.values())
                    .filter(c -> c.deployedName().equals(m.group(1))).findFirst() : Optional.empty();
            if (f.isEmpty() || !f.get().inEnvironmentAccount()) {
                throw new AslException(source + ": state " + stateName + " invokes FunctionName.$ " + expression + "; a Task"
                        + " names a function of the environments' accounts as " + formatOf(FunctionCatalog.DB_INIT)
                        + " (one of " + Arrays.stream(FunctionCatalog.values()).filter(FunctionCatalog::inEnvironmentAccount)
                        .map(FunctionCatalog::deployedName).toList() + "), and a hub function as ${<Name>FunctionArn}");
            }
            return f.get();
        }


        private static String placeholderOf(String value) {
            Matcher m = PLACEHOLDER.matcher(value);
            return m.matches() ? m.group(1) : null;
        }
    }
}
