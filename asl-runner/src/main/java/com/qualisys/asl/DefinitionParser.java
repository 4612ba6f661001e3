package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.StateNode.Catcher;
import com.qualisys.asl.StateNode.Choice;
import com.qualisys.asl.StateNode.ChoiceState;
import com.qualisys.asl.StateNode.DynamicValue;
import com.qualisys.asl.StateNode.FailState;
import com.qualisys.asl.StateNode.Graph;
import com.qualisys.asl.StateNode.Io;
import com.qualisys.asl.StateNode.MapState;
import com.qualisys.asl.StateNode.ParallelState;
import com.qualisys.asl.StateNode.PassState;
import com.qualisys.asl.StateNode.Retrier;
import com.qualisys.asl.StateNode.SucceedState;
import com.qualisys.asl.StateNode.TaskState;
import com.qualisys.asl.StateNode.WaitState;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates an ASL document and builds the {@link StateNode} model. Every problem found is
 * collected (not just the first), each naming the state and the field.
 */
final class DefinitionParser {

    static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
    static final String WAIT_FOR_TASK_TOKEN = ".waitForTaskToken";

    private static final Set<String> TOP_LEVEL = Set.of("StartAt", "States", "Comment", "Version",
            "TimeoutSeconds", "QueryLanguage");
    /**
     * Fields of a Parallel branch and a Map processor. QueryLanguage is not one (AWS: "Field
     * 'QueryLanguage' is not supported"): their states take the state machine's language.
     */
    private static final Set<String> GRAPH_FIELDS = Set.of("StartAt", "States", "Comment");
    private static final Set<String> PROCESSOR_FIELDS = Set.of("StartAt", "States", "Comment", "ProcessorConfig");

    static final String JSONPATH = "JSONPath";
    static final String JSONATA = "JSONata";

    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "Pass", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign",
                    "Output"),
            "Task", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
                    "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
                    "Retry", "Catch", "Assign", "Arguments", "Output"),
            "Choice", Set.of("InputPath", "OutputPath", "Choices", "Default", "Assign", "Output"),
            "Wait", Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp",
                    "TimestampPath", "Assign", "Output"),
            "Succeed", Set.of("InputPath", "OutputPath", "Output"),
            "Fail", Set.of("Error", "Cause", "ErrorPath", "CausePath"),
            "Parallel", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
                    "ResultSelector", "Branches", "Retry", "Catch", "Assign", "Arguments", "Output"),
            "Map", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
                    "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency",
                    "MaxConcurrencyPath", "Retry", "Catch", "Assign", "Items", "Output"));

    /** Fields of JSONPath states only: a JSONata state uses Arguments, Output, Items and expressions. */
    private static final Set<String> JSONPATH_ONLY = Set.of("InputPath", "OutputPath", "ResultPath", "Parameters",
            "ResultSelector", "Result", "ItemsPath", "Iterator", "SecondsPath", "TimestampPath", "TimeoutSecondsPath",
            "HeartbeatSecondsPath", "MaxConcurrencyPath", "ErrorPath", "CausePath");
    /** Fields of JSONata states only. */
    private static final Set<String> JSONATA_ONLY = Set.of("Arguments", "Output", "Items");

    private static final java.util.regex.Pattern VARIABLE_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** ASL fields the runner knows but does not implement, with the feature they belong to. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("Credentials", "cross-account task credentials"),
            Map.entry("ItemReader", "distributed Map"),
            Map.entry("ResultWriter", "distributed Map"),
            Map.entry("ItemBatcher", "distributed Map"),
            Map.entry("ToleratedFailurePercentage", "distributed Map"),
            Map.entry("ToleratedFailurePercentagePath", "distributed Map"),
            Map.entry("ToleratedFailureCount", "distributed Map"),
            Map.entry("ToleratedFailureCountPath", "distributed Map"),
            Map.entry("Label", "distributed Map"));

    private static final Set<String> RESERVED_ERRORS = Set.of(StatesErrors.ALL, StatesErrors.TASK_FAILED,
            StatesErrors.TIMEOUT, StatesErrors.HEARTBEAT_TIMEOUT, StatesErrors.RUNTIME,
            StatesErrors.DATA_LIMIT_EXCEEDED, StatesErrors.PARAMETER_PATH_FAILURE,
            StatesErrors.RESULT_PATH_MATCH_FAILURE, StatesErrors.BRANCH_FAILED, StatesErrors.NO_CHOICE_MATCHED,
            StatesErrors.INTRINSIC_FAILURE, StatesErrors.PERMISSIONS, "States.ExceedToleratedFailureThreshold",
            "States.ItemReaderFailed", "States.ResultWriterFailed", "States.QueryEvaluationError");

    private final List<String> problems = new ArrayList<>();
    /** The machine's QueryLanguage, and the one of the state being parsed. */
    private boolean machineJsonata;
    private boolean jsonata;
    private final Set<String> allNames = new HashSet<>();
    private final Set<String> resources = new LinkedHashSet<>();

    /** The outcome of a successful parse. */
    record Parsed(Graph graph, Integer timeoutSeconds, String comment, Set<String> stateNames,
                  Set<String> resources) {}

    static Parsed parse(JsonNode root) {
        DefinitionParser p = new DefinitionParser();
        Parsed parsed = p.machine(root);
        if (!p.problems.isEmpty()) {
            throw new AslDefinitionException(p.problems);
        }
        return parsed;
    }

    private Parsed machine(JsonNode root) {
        if (root == null || !root.isObject()) {
            problems.add("a state machine definition must be a JSON object");
            return null;
        }
        for (String field : fieldNames(root)) {
            if (!TOP_LEVEL.contains(field)) {
                problems.add("state machine: unknown top-level field \"" + field + "\"");
            }
        }
        machineJsonata = JSONATA.equals(queryLanguage(root, "state machine"));
        JsonNode version = root.get("Version");
        if (version != null && !"1.0".equals(version.asText())) {
            problems.add("state machine: field \"Version\" must be \"1.0\"");
        }
        Integer timeout = positiveInt(root, "TimeoutSeconds", "state machine");
        JsonNode comment = root.get("Comment");
        Graph graph = graph(root, "state machine", GRAPH_FIELDS, true);
        return new Parsed(graph, timeout, comment == null ? null : comment.asText(), Set.copyOf(allNames),
                Set.copyOf(resources));
    }

    /** The QueryLanguage given on {@code node}, or null. */
    private String queryLanguage(JsonNode node, String where) {
        JsonNode ql = node.get("QueryLanguage");
        if (ql == null) {
            return null;
        }
        if (!JSONPATH.equals(ql.asText()) && !JSONATA.equals(ql.asText())) {
            problems.add(where + ": field \"QueryLanguage\" must be \"JSONPath\" or \"JSONata\", got " + ql);
            return null;
        }
        return ql.asText();
    }

    private Graph graph(JsonNode node, String where, Set<String> allowedFields, boolean topLevel) {
        if (!topLevel) {
            for (String field : fieldNames(node)) {
                if (field.equals("QueryLanguage")) {
                    problems.add(where + ": field \"QueryLanguage\" is not supported here; the states of a branch or"
                            + " processor take the state machine's QueryLanguage or set their own");
                } else if (!allowedFields.contains(field)) {
                    problems.add(where + ": unknown field \"" + field + "\"");
                }
            }
        }
        JsonNode startAt = node.get("StartAt");
        JsonNode states = node.get("States");
        if (startAt == null || !startAt.isTextual()) {
            problems.add(where + ": field \"StartAt\" (a state name) is required");
        }
        if (states == null || !states.isObject() || states.isEmpty()) {
            problems.add(where + ": field \"States\" must be a non-empty object");
            return new Graph(startAt == null ? "" : startAt.asText(), Map.of());
        }
        Map<String, StateNode> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : states.properties()) {
            StateNode s = state(e.getKey(), e.getValue());
            if (s != null) {
                parsed.put(e.getKey(), s);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        states.fieldNames().forEachRemaining(names::add);
        String start = startAt == null ? null : startAt.asText();
        if (start != null && !names.contains(start)) {
            problems.add(where + ": StartAt \"" + start + "\" names no state" + scopeHint(where));
        }
        // Transitions stay inside their scope (a branch or processor cannot jump out, nor in).
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (StateNode s : parsed.values()) {
            List<String> targets = targets(s);
            edges.put(s.name(), targets);
            for (String t : targets) {
                if (!names.contains(t)) {
                    problems.add("state \"" + s.name() + "\": transition to \"" + t + "\" names no state"
                            + scopeHint(where));
                }
            }
        }
        if (start != null && names.contains(start)) {
            Set<String> reached = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(start));
            while (!todo.isEmpty()) {
                String n = todo.pop();
                if (reached.add(n)) {
                    todo.addAll(edges.getOrDefault(n, List.of()));
                }
            }
            for (String n : names) {
                if (!reached.contains(n) && parsed.containsKey(n)) {
                    problems.add("state \"" + n + "\" is not reachable from StartAt \"" + start + "\"" + scopeHint(where));
                }
            }
        }
        return new Graph(start, Map.copyOf(parsed));
    }

    private static String scopeHint(String where) {
        return where.equals("state machine") ? "" : " in " + where;
    }

    private static List<String> targets(StateNode s) {
        List<String> out = new ArrayList<>();
        switch (s) {
            case PassState p -> addIfPresent(out, p.next());
            case TaskState t -> {
                addIfPresent(out, t.next());
                t.catchers().forEach(c -> addIfPresent(out, c.next()));
            }
            case ChoiceState c -> {
                c.choices().forEach(ch -> addIfPresent(out, ch.next()));
                addIfPresent(out, c.defaultNext());
            }
            case WaitState w -> addIfPresent(out, w.next());
            case ParallelState p -> {
                addIfPresent(out, p.next());
                p.catchers().forEach(c -> addIfPresent(out, c.next()));
            }
            case MapState m -> {
                addIfPresent(out, m.next());
                m.catchers().forEach(c -> addIfPresent(out, c.next()));
            }
            case SucceedState ignored -> { }
            case FailState ignored -> { }
        }
        return out;
    }

    private static void addIfPresent(List<String> out, String s) {
        if (s != null) {
            out.add(s);
        }
    }

    // ------------------------------------------------------------------ states

    private StateNode state(String name, JsonNode json) {
        String where = "state \"" + name + "\"";
        if (!allNames.add(name)) {
            problems.add(where + ": state names must be unique in the whole state machine (also across"
                    + " Parallel branches and Map processors)");
        }
        if (name.length() > 80) {
            problems.add(where + ": state names are at most 80 characters");
        }
        if (!json.isObject()) {
            problems.add(where + ": a state must be a JSON object");
            return null;
        }
        JsonNode typeNode = json.get("Type");
        String type = typeNode == null ? null : typeNode.asText();
        if (type == null || !ALLOWED.containsKey(type)) {
            problems.add(where + ": field \"Type\" must be one of Pass, Task, Choice, Wait, Succeed, Fail,"
                    + " Parallel, Map" + (type == null ? "" : " (got \"" + type + "\")"));
            return null;
        }
        String stateLanguage = queryLanguage(json, where);
        if (JSONPATH.equals(stateLanguage) && machineJsonata) {
            problems.add(where + ": field \"QueryLanguage\" is JSONPath in a JSONata state machine; a state may"
                    + " only change the default JSONPath to JSONata");
        }
        boolean saved = jsonata;
        jsonata = stateLanguage == null ? machineJsonata : JSONATA.equals(stateLanguage);
        try {
            return stateOf(name, type, json, where);
        } finally {
            jsonata = saved;
        }
    }

    private StateNode stateOf(String name, String type, JsonNode json, String where) {
        for (String field : fieldNames(json)) {
            if (COMMON.contains(field) || ALLOWED.get(type).contains(field)) {
                if (jsonata && JSONPATH_ONLY.contains(field)) {
                    problems.add(where + ": field \"" + field + "\" is a JSONPath field, not allowed in a JSONata"
                            + " state (use Arguments, Output, Items and {% expressions %})");
                } else if (!jsonata && JSONATA_ONLY.contains(field)) {
                    problems.add(where + ": field \"" + field + "\" is a JSONata field; set \"QueryLanguage\":"
                            + " \"JSONata\" on the state or the state machine to use it");
                }
                continue;
            }
            if (UNSUPPORTED.containsKey(field)) {
                problems.add(where + ": field \"" + field + "\" is not supported by the local runner ("
                        + UNSUPPORTED.get(field) + ")");
            } else if (ALLOWED.values().stream().anyMatch(s -> s.contains(field))) {
                problems.add(where + ": field \"" + field + "\" is not allowed in a " + type + " state");
            } else {
                problems.add(where + ": unknown field \"" + field + "\"");
            }
        }
        return switch (type) {
            case "Pass" -> new PassState(name, next(json, where), io(json, where, "Pass"), json.get("Result"));
            case "Task" -> task(name, json, where);
            case "Choice" -> choice(name, json, where);
            case "Wait" -> waitState(name, json, where);
            case "Succeed" -> new SucceedState(name, io(json, where, "Succeed"));
            case "Fail" -> fail(name, json, where);
            case "Parallel" -> parallel(name, json, where);
            case "Map" -> map(name, json, where);
            default -> throw new IllegalStateException(type);
        };
    }

    /** Next state name, or null for End; checks that exactly one of the two is given. */
    private String next(JsonNode json, String where) {
        JsonNode next = json.get("Next");
        JsonNode end = json.get("End");
        boolean isEnd = end != null && end.isBoolean() && end.booleanValue();
        if (end != null && !end.isBoolean()) {
            problems.add(where + ": field \"End\" must be a boolean");
        }
        if (next != null && !next.isTextual()) {
            problems.add(where + ": field \"Next\" must be a state name");
            return null;
        }
        if (next != null && isEnd) {
            problems.add(where + ": has both \"Next\" and \"End\": true; give exactly one");
        } else if (next == null && !isEnd) {
            problems.add(where + ": needs \"Next\" or \"End\": true");
        }
        return next == null ? null : next.textValue();
    }

    /** The input/output fields that the state's type allows (others were reported already). */
    private Io io(JsonNode json, String where, String type) {
        Set<String> allowed = ALLOWED.get(type);
        JsonPath inputPath = allowed.contains("InputPath") ? nullablePath(json, "InputPath", where, false) : JsonPath.ROOT;
        JsonPath outputPath = allowed.contains("OutputPath") ? nullablePath(json, "OutputPath", where, false) : JsonPath.ROOT;
        JsonPath resultPath = allowed.contains("ResultPath") ? nullablePath(json, "ResultPath", where, true) : JsonPath.ROOT;
        // In a Map state, Parameters is the legacy ItemSelector, compiled by map().
        PayloadTemplate parameters = allowed.contains("Parameters") && !type.equals("Map")
                ? template(json, "Parameters", where) : null;
        PayloadTemplate selector = allowed.contains("ResultSelector") ? template(json, "ResultSelector", where) : null;
        Template assign = assign(json.get("Assign"), where);
        if (jsonata) {
            Template arguments = allowed.contains("Arguments") ? jsonataField(json, "Arguments", where) : null;
            Template output = allowed.contains("Output") ? jsonataField(json, "Output", where) : null;
            return new Io(JsonPath.ROOT, null, null, JsonPath.ROOT, JsonPath.ROOT, true, arguments, output, assign);
        }
        return new Io(inputPath, parameters, selector, resultPath, outputPath, false, null, null, assign);
    }

    /** A JSONata field (a value with {% expressions %} at any depth), or null when absent. */
    private JsonataTemplate jsonataField(JsonNode json, String field, String where) {
        return jsonataField(json, field, where, field);
    }

    /** {@code label} names the field in run-time errors as AWS does, e.g. Choices[1]/Output. */
    private JsonataTemplate jsonataField(JsonNode json, String field, String where, String label) {
        JsonNode v = json.get(field);
        return v == null ? null : JsonataTemplate.compile(v, where + ": field \"" + field + "\"", label, problems);
    }

    /**
     * An Assign object: in JSONPath states a payload template ({@code name.$} members take paths
     * and intrinsic functions), in JSONata states a JSONata template. Names must be identifiers;
     * {@code states} is reserved.
     */
    private Template assign(JsonNode v, String where) {
        return assign(v, where, "Assign");
    }

    private Template assign(JsonNode v, String where, String label) {
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            problems.add(where + ": field \"Assign\" must be a JSON object of variable names and values");
            return null;
        }
        for (String key : fieldNames(v)) {
            String name = !jsonata && key.endsWith(".$") ? key.substring(0, key.length() - 2) : key;
            if (!VARIABLE_NAME.matcher(name).matches() || name.length() > 80) {
                problems.add(where + ": Assign: \"" + name + "\" is not a valid variable name (a letter or _, then"
                        + " letters, digits or _; at most 80 characters)");
            } else if (name.equals("states")) {
                problems.add(where + ": Assign: \"states\" is reserved ($states); choose another variable name");
            }
        }
        return jsonata ? JsonataTemplate.compile(v, where + ": field \"Assign\"", label, problems)
                : PayloadTemplate.compile(v, where + ": field \"Assign\"", "Assign", problems);
    }

    /**
     * A JSONata state's field that takes a literal or one expression (TimeoutSeconds, Seconds,
     * MaxConcurrency, Error...): null when absent or a literal (then the caller reads it).
     */
    private DynamicValue expressionField(JsonNode json, String field, String where) {
        JsonNode v = json.get(field);
        if (!jsonata || !JsonataTemplate.isExpression(v)) {
            return null;
        }
        return new DynamicValue(field, null, null,
                JsonataTemplate.compile(v, where + ": field \"" + field + "\"", field, problems));
    }

    private PayloadTemplate template(JsonNode json, String field, String where) {
        JsonNode t = json.get(field);
        if (t == null) {
            return null;
        }
        if (!t.isObject()) {
            problems.add(where + ": field \"" + field + "\" must be a JSON object (a payload template)");
            return null;
        }
        return PayloadTemplate.compile(t, where + ": field \"" + field + "\"", field, problems);
    }

    /** A path field that defaults to $ and may be null. */
    private JsonPath nullablePath(JsonNode json, String field, String where, boolean reference) {
        JsonNode v = json.get(field);
        if (v == null) {
            return JsonPath.ROOT;
        }
        if (v.isNull()) {
            return null;
        }
        JsonPath p = path(v, field, where);
        if (p != null && reference) {
            referencePath(p, field, where);
        }
        return p == null ? JsonPath.ROOT : p;
    }

    private void referencePath(JsonPath p, String field, String where) {
        if (!p.isReference() || p.root() != JsonPath.Root.INPUT) {
            problems.add(where + ": field \"" + field + "\" must be a Reference Path into the state input"
                    + " ($, members and indexes only; no $$, variables, wildcards, slices, unions, filters or deep scan), got \""
                    + p + "\"");
        }
    }

    private JsonPath path(JsonNode v, String field, String where) {
        if (!v.isTextual()) {
            problems.add(where + ": field \"" + field + "\" must be a path string");
            return null;
        }
        try {
            return JsonPath.parse(v.textValue());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": field \"" + field + "\": " + e.getMessage());
            return null;
        }
    }

    private JsonPath optionalPath(JsonNode json, String field, String where) {
        JsonNode v = json.get(field);
        return v == null ? null : path(v, field, where);
    }

    private TaskState task(String name, JsonNode json, String where) {
        Io io = io(json, where, "Task");
        JsonNode resourceNode = json.get("Resource");
        String resource = null;
        if (resourceNode == null || !resourceNode.isTextual() || resourceNode.textValue().isBlank()) {
            problems.add(where + ": field \"Resource\" (a non-empty string) is required");
        } else {
            resource = resourceNode.textValue();
            if (resource.equals(LAMBDA_INVOKE) || resource.equals(LAMBDA_INVOKE + WAIT_FOR_TASK_TOKEN)) {
                String paramsField = jsonata ? "Arguments" : "Parameters";
                JsonNode params = json.get(paramsField);
                boolean dynamic = params != null && jsonata && JsonataTemplate.isExpression(params);
                if (dynamic) {
                    resources.add(resource);
                } else if (params == null || !(params.has("FunctionName") || params.has("FunctionName.$"))) {
                    problems.add(where + ": Resource " + resource + " needs \"" + paramsField + "\" with \"FunctionName\"");
                } else if (params.has("FunctionName") && params.get("FunctionName").isTextual()
                        && !JsonataTemplate.isExpression(params.get("FunctionName"))) {
                    resources.add(params.get("FunctionName").textValue());
                } else {
                    resources.add(resource);
                }
            } else if (resource.equals(LAMBDA_INVOKE + ".sync")) {
                problems.add(where + ": Resource " + resource + " does not exist (lambda:invoke has no .sync form)");
            } else {
                resources.add(resource);
            }
        }
        DynamicValue timeoutExpression = expressionField(json, "TimeoutSeconds", where);
        Integer timeout = timeoutExpression != null ? null : positiveInt(json, "TimeoutSeconds", where);
        if (jsonata && JsonataTemplate.isExpression(json.get("HeartbeatSeconds"))) {
            expressionField(json, "HeartbeatSeconds", where); // checked, not enforced (heartbeats are not modelled)
        }
        JsonPath timeoutPath = optionalPath(json, "TimeoutSecondsPath", where);
        if (timeout != null && timeoutPath != null) {
            problems.add(where + ": give at most one of \"TimeoutSeconds\" and \"TimeoutSecondsPath\"");
        }
        Integer heartbeat = jsonata && JsonataTemplate.isExpression(json.get("HeartbeatSeconds")) ? null
                : positiveInt(json, "HeartbeatSeconds", where);
        JsonPath heartbeatPath = optionalPath(json, "HeartbeatSecondsPath", where);
        if (heartbeat != null && heartbeatPath != null) {
            problems.add(where + ": give at most one of \"HeartbeatSeconds\" and \"HeartbeatSecondsPath\"");
        }
        if (heartbeat != null && timeout != null && heartbeat >= timeout) {
            problems.add(where + ": \"HeartbeatSeconds\" (" + heartbeat + ") must be smaller than"
                    + " \"TimeoutSeconds\" (" + timeout + ")");
        }
        return new TaskState(name, next(json, where), io, resource, timeout, timeoutPath, timeoutExpression,
                retriers(json, where), catchers(json, where));
    }

    private ChoiceState choice(String name, JsonNode json, String where) {
        Io io = io(json, where, "Choice");
        JsonNode choices = json.get("Choices");
        List<Choice> out = new ArrayList<>();
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            problems.add(where + ": field \"Choices\" must be a non-empty array of rules");
        } else {
            for (int i = 0; i < choices.size(); i++) {
                JsonNode rule = choices.get(i);
                String ruleWhere = where + ": Choices[" + i + "]";
                String label = "Choices[" + i + "]/";
                ChoiceRule compiled = jsonata ? jsonataRule(rule, ruleWhere, label)
                        : ChoiceRule.compile(rule, ruleWhere, true, problems);
                JsonNode next = rule.get("Next");
                if (next == null || !next.isTextual()) {
                    problems.add(ruleWhere + ": a top-level choice rule needs \"Next\"");
                    continue;
                }
                Template output = jsonata && rule.isObject() ? jsonataField(rule, "Output", ruleWhere, label + "Output") : null;
                out.add(new Choice(compiled, next.textValue(), assign(rule.get("Assign"), ruleWhere, label + "Assign"),
                        output));
            }
        }
        JsonNode def = json.get("Default");
        if (def != null && !def.isTextual()) {
            problems.add(where + ": field \"Default\" must be a state name");
        }
        return new ChoiceState(name, io, List.copyOf(out), def == null || !def.isTextual() ? null : def.textValue());
    }

    /** A JSONata choice rule: Condition, Next, and optionally Assign and Output. */
    private ChoiceRule jsonataRule(JsonNode rule, String where, String label) {
        if (!rule.isObject()) {
            problems.add(where + ": a choice rule must be an object");
            return new ChoiceRule.Or(List.of());
        }
        for (String field : fieldNames(rule)) {
            if (!Set.of("Condition", "Next", "Assign", "Output", "Comment").contains(field)) {
                problems.add(where + ": field \"" + field + "\" is not allowed in a JSONata choice rule (Condition,"
                        + " Next, Assign, Output)");
            }
        }
        JsonNode condition = rule.get("Condition");
        if (condition == null) {
            problems.add(where + ": field \"Condition\" is required in a JSONata choice rule");
            return new ChoiceRule.Or(List.of());
        }
        if (!JsonataTemplate.isExpression(condition) && !condition.isBoolean()) {
            problems.add(where + ": field \"Condition\" must be a {% JSONata expression %} or a boolean, got " + condition);
        }
        return new ChoiceRule.Condition(JsonataTemplate.compile(condition, where + ": field \"Condition\"",
                label + "Condition", problems));
    }

    private WaitState waitState(String name, JsonNode json, String where) {
        Io io = io(json, where, "Wait");
        int given = 0;
        Long seconds = null;
        Instant timestamp = null;
        JsonNode s = json.get("Seconds");
        JsonNode ts = json.get("Timestamp");
        DynamicValue expression = expressionField(json, "Seconds", where);
        if (expression == null) {
            expression = expressionField(json, "Timestamp", where);
        }
        given += (s != null ? 1 : 0) + (ts != null ? 1 : 0);
        if (s != null && !JsonataTemplate.isExpression(s)) {
            if (!s.isIntegralNumber() || s.asLong() < 0) {
                problems.add(where + ": field \"Seconds\" must be a non-negative integer");
            } else {
                seconds = s.asLong();
            }
        }
        if (ts != null && !JsonataTemplate.isExpression(ts)) {
            timestamp = ts.isTextual() ? Json.parseTimestamp(ts.textValue()) : null;
            if (timestamp == null) {
                problems.add(where + ": field \"Timestamp\" must be an RFC 3339 timestamp such as"
                        + " 2016-03-14T01:59:00Z, got " + ts);
            }
        }
        JsonPath secondsPath = optionalPath(json, "SecondsPath", where);
        JsonPath timestampPath = optionalPath(json, "TimestampPath", where);
        given += (json.has("SecondsPath") ? 1 : 0) + (json.has("TimestampPath") ? 1 : 0);
        if (given != 1) {
            problems.add(where + ": give exactly one of \"Seconds\", \"SecondsPath\", \"Timestamp\","
                    + " \"TimestampPath\"");
        }
        return new WaitState(name, next(json, where), io, seconds, secondsPath, timestamp, timestampPath, expression);
    }

    private FailState fail(String name, JsonNode json, String where) {
        DynamicValue errorExpression = expressionField(json, "Error", where);
        DynamicValue causeExpression = expressionField(json, "Cause", where);
        String error = errorExpression != null ? null : optionalString(json, "Error", where);
        String cause = causeExpression != null ? null : optionalString(json, "Cause", where);
        DynamicValue errorPath = errorExpression != null ? errorExpression : dynamic(json, "ErrorPath", where);
        DynamicValue causePath = causeExpression != null ? causeExpression : dynamic(json, "CausePath", where);
        if (json.has("Error") && json.has("ErrorPath")) {
            problems.add(where + ": give at most one of \"Error\" and \"ErrorPath\"");
        }
        if (json.has("Cause") && json.has("CausePath")) {
            problems.add(where + ": give at most one of \"Cause\" and \"CausePath\"");
        }
        return new FailState(name, error, cause, errorPath, causePath);
    }

    private DynamicValue dynamic(JsonNode json, String field, String where) {
        JsonNode v = json.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(where + ": field \"" + field + "\" must be a path or an intrinsic function");
            return null;
        }
        try {
            if (Intrinsic.looksLikeIntrinsic(v.textValue())) {
                return new DynamicValue(field, null, Intrinsic.parse(v.textValue()), null);
            }
            return new DynamicValue(field, JsonPath.parse(v.textValue()), null, null);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": field \"" + field + "\": " + e.getMessage());
            return null;
        }
    }

    private ParallelState parallel(String name, JsonNode json, String where) {
        Io io = io(json, where, "Parallel");
        JsonNode branches = json.get("Branches");
        List<Graph> graphs = new ArrayList<>();
        if (branches == null || !branches.isArray() || branches.isEmpty()) {
            problems.add(where + ": field \"Branches\" must be a non-empty array");
        } else {
            for (int i = 0; i < branches.size(); i++) {
                JsonNode b = branches.get(i);
                String bw = where + " Branches[" + i + "]";
                if (!b.isObject()) {
                    problems.add(bw + ": a branch must be an object with StartAt and States");
                    continue;
                }
                graphs.add(graph(b, bw, GRAPH_FIELDS, false));
            }
        }
        return new ParallelState(name, next(json, where), io, List.copyOf(graphs), retriers(json, where),
                catchers(json, where));
    }

    private MapState map(String name, JsonNode json, String where) {
        JsonNode parameters = json.get("Parameters");
        JsonNode itemSelector = json.get("ItemSelector");
        if (parameters != null && itemSelector != null) {
            problems.add(where + ": give at most one of \"ItemSelector\" and its legacy form \"Parameters\"");
        }
        // In a Map state, Parameters is the legacy name of ItemSelector (applied to each item).
        Template selector = null;
        String selectorField = itemSelector != null ? "ItemSelector" : "Parameters";
        JsonNode selectorJson = itemSelector != null ? itemSelector : parameters;
        if (selectorJson != null) {
            if (jsonata) {
                selector = jsonataField(json, selectorField, where);
            } else if (!selectorJson.isObject()) {
                problems.add(where + ": field \"" + selectorField + "\" must be a JSON object");
            } else {
                selector = PayloadTemplate.compile(selectorJson, where + ": field \"" + selectorField + "\"",
                        selectorField, problems);
            }
        }
        Io io = io(json, where, "Map");

        JsonNode processor = json.get("ItemProcessor");
        JsonNode iterator = json.get("Iterator");
        Graph graph = null;
        if (processor != null && iterator != null) {
            problems.add(where + ": give exactly one of \"ItemProcessor\" and its legacy form \"Iterator\"");
        } else if (processor == null && iterator == null) {
            problems.add(where + ": field \"ItemProcessor\" is required");
        } else {
            String field = processor != null ? "ItemProcessor" : "Iterator";
            JsonNode p = processor != null ? processor : iterator;
            if (!p.isObject()) {
                problems.add(where + ": field \"" + field + "\" must be an object with StartAt and States");
            } else {
                JsonNode config = p.get("ProcessorConfig");
                if (config != null) {
                    processorConfig(config, where + ": field \"" + field + ".ProcessorConfig\"");
                }
                graph = graph(p, where + " " + field, processor != null ? PROCESSOR_FIELDS : GRAPH_FIELDS, false);
            }
        }
        JsonPath itemsPath = JsonPath.ROOT;
        if (json.has("ItemsPath")) {
            JsonPath p = path(json.get("ItemsPath"), "ItemsPath", where);
            if (p != null) {
                itemsPath = p;
            }
        }
        Template items = null;
        if (jsonata && json.has("Items")) {
            JsonNode itemsJson = json.get("Items");
            if (!itemsJson.isArray() && !JsonataTemplate.isExpression(itemsJson)) {
                problems.add(where + ": field \"Items\" must be a JSON array or a {% JSONata expression %}");
            }
            items = jsonataField(json, "Items", where);
        }
        int maxConcurrency = 0;
        DynamicValue maxConcurrencyExpression = expressionField(json, "MaxConcurrency", where);
        JsonNode mc = maxConcurrencyExpression != null ? null : json.get("MaxConcurrency");
        if (mc != null) {
            if (!mc.isIntegralNumber() || mc.asLong() < 0 || !mc.canConvertToInt()) {
                problems.add(where + ": field \"MaxConcurrency\" must be a non-negative integer (0 = no limit)");
            } else {
                maxConcurrency = mc.intValue();
            }
        }
        JsonPath maxConcurrencyPath = optionalPath(json, "MaxConcurrencyPath", where);
        if (mc != null && maxConcurrencyPath != null) {
            problems.add(where + ": give at most one of \"MaxConcurrency\" and \"MaxConcurrencyPath\"");
        }
        return new MapState(name, next(json, where), io, itemsPath, items, selector, graph, maxConcurrency,
                maxConcurrencyPath, maxConcurrencyExpression, retriers(json, where), catchers(json, where));
    }

    private void processorConfig(JsonNode config, String where) {
        if (!config.isObject()) {
            problems.add(where + " must be an object");
            return;
        }
        for (String field : fieldNames(config)) {
            if (!field.equals("Mode") && !field.equals("ExecutionType")) {
                problems.add(where + ": unknown field \"" + field + "\"");
            }
        }
        JsonNode mode = config.get("Mode");
        if (mode != null && !"INLINE".equals(mode.asText())) {
            problems.add(where + ": Mode " + mode + " is not supported by the local runner (distributed Map);"
                    + " only INLINE is");
        }
        if (config.has("ExecutionType")) {
            problems.add(where + ": field \"ExecutionType\" is not supported by the local runner (distributed Map)");
        }
    }

    // ------------------------------------------------------------------ Retry and Catch

    private List<Retrier> retriers(JsonNode json, String where) {
        JsonNode retry = json.get("Retry");
        if (retry == null) {
            return List.of();
        }
        if (!retry.isArray()) {
            problems.add(where + ": field \"Retry\" must be an array");
            return List.of();
        }
        List<Retrier> out = new ArrayList<>();
        for (int i = 0; i < retry.size(); i++) {
            JsonNode r = retry.get(i);
            String rw = where + ": Retry[" + i + "]";
            if (!r.isObject()) {
                problems.add(rw + ": a retrier must be an object");
                continue;
            }
            for (String field : fieldNames(r)) {
                if (!Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                        "JitterStrategy", "Comment").contains(field)) {
                    problems.add(rw + ": unknown field \"" + field + "\"");
                }
            }
            List<String> errors = errorEquals(r, rw, i == retry.size() - 1);
            Integer interval = positiveInt(r, "IntervalSeconds", rw);
            Integer maxAttempts = nonNegativeInt(r, "MaxAttempts", rw);
            double backoff = 2.0;
            JsonNode b = r.get("BackoffRate");
            if (b != null) {
                if (!b.isNumber() || b.doubleValue() < 1.0) {
                    problems.add(rw + ": field \"BackoffRate\" must be a number >= 1.0");
                } else {
                    backoff = b.doubleValue();
                }
            }
            Integer maxDelay = positiveInt(r, "MaxDelaySeconds", rw);
            boolean fullJitter = false;
            JsonNode jitter = r.get("JitterStrategy");
            if (jitter != null) {
                if ("FULL".equals(jitter.asText())) {
                    fullJitter = true;
                } else if (!"NONE".equals(jitter.asText())) {
                    problems.add(rw + ": field \"JitterStrategy\" must be \"FULL\" or \"NONE\"");
                }
            }
            out.add(new Retrier(errors, interval == null ? 1 : interval, maxAttempts == null ? 3 : maxAttempts,
                    backoff, maxDelay, fullJitter));
        }
        return List.copyOf(out);
    }

    private List<Catcher> catchers(JsonNode json, String where) {
        JsonNode catchNode = json.get("Catch");
        if (catchNode == null) {
            return List.of();
        }
        if (!catchNode.isArray()) {
            problems.add(where + ": field \"Catch\" must be an array");
            return List.of();
        }
        List<Catcher> out = new ArrayList<>();
        for (int i = 0; i < catchNode.size(); i++) {
            JsonNode c = catchNode.get(i);
            String cw = where + ": Catch[" + i + "]";
            if (!c.isObject()) {
                problems.add(cw + ": a catcher must be an object");
                continue;
            }
            for (String field : fieldNames(c)) {
                if (jsonata && field.equals("ResultPath")) {
                    problems.add(cw + ": field \"ResultPath\" is a JSONPath field; a JSONata catcher uses Output");
                } else if (!jsonata && field.equals("Output")) {
                    problems.add(cw + ": field \"Output\" is a JSONata field; a JSONPath catcher uses ResultPath");
                } else if (!Set.of("ErrorEquals", "Next", "ResultPath", "Comment", "Assign", "Output").contains(field)) {
                    problems.add(cw + ": unknown field \"" + field + "\"");
                }
            }
            List<String> errors = errorEquals(c, cw, i == catchNode.size() - 1);
            JsonNode next = c.get("Next");
            if (next == null || !next.isTextual()) {
                problems.add(cw + ": field \"Next\" (a state name) is required");
            }
            JsonPath resultPath = jsonata ? JsonPath.ROOT : nullablePath(c, "ResultPath", cw, true);
            Template output = jsonata ? jsonataField(c, "Output", cw, "Catch[" + i + "]/Output") : null;
            out.add(new Catcher(errors, next == null ? null : next.asText(), resultPath,
                    assign(c.get("Assign"), cw, "Catch[" + i + "]/Assign"), output));
        }
        return List.copyOf(out);
    }

    private List<String> errorEquals(JsonNode node, String where, boolean last) {
        JsonNode e = node.get("ErrorEquals");
        if (e == null || !e.isArray() || e.isEmpty()) {
            problems.add(where + ": field \"ErrorEquals\" must be a non-empty array of error names");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode name : e) {
            if (!name.isTextual()) {
                problems.add(where + ": ErrorEquals entries must be strings");
                continue;
            }
            String n = name.textValue();
            if (n.startsWith("States.") && !RESERVED_ERRORS.contains(n)) {
                problems.add(where + ": \"" + n + "\" is not a known States.* error name (names starting with"
                        + " \"States.\" are reserved)");
            }
            out.add(n);
        }
        if (out.contains(StatesErrors.ALL) && (out.size() > 1 || !last)) {
            problems.add(where + ": \"States.ALL\" must appear alone in ErrorEquals, in the last element of the array");
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ helpers

    private String optionalString(JsonNode json, String field, String where) {
        JsonNode v = json.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(where + ": field \"" + field + "\" must be a string");
            return null;
        }
        return v.textValue();
    }

    private Integer positiveInt(JsonNode json, String field, String where) {
        return intField(json, field, where, 1, "a positive integer");
    }

    private Integer nonNegativeInt(JsonNode json, String field, String where) {
        return intField(json, field, where, 0, "a non-negative integer");
    }

    private Integer intField(JsonNode json, String field, String where, int min, String what) {
        JsonNode v = json.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
            problems.add(where + ": field \"" + field + "\" must be " + what + ", got " + v);
            return null;
        }
        return v.intValue();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
