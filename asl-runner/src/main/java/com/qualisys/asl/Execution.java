package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.StateNode.Catcher;
import com.qualisys.asl.StateNode.Choice;
import com.qualisys.asl.StateNode.ChoiceState;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One execution of a state machine: the interpreter proper. */
final class Execution {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LocalRunner runner;
    private final StateMachineDefinition definition;
    private final JsonNode input;
    private final String executionName;
    private final String executionArn;
    private final ObjectNode executionNode;
    private final ObjectNode stateMachineNode;
    private final long deadlineNanos;
    private final List<HistoryEvent> history = new ArrayList<>();
    private long nextEventId = 1;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * What a state hands over: the next state (null: the scope ends), the output, and the
     * variables it assigns (null: none), applied once the state has finished.
     */
    private record Step(String next, JsonNode output, Map<String, JsonNode> assigned) {}

    /** What one attempt of a Task, Parallel or Map state produced. */
    private record Outcome(JsonNode output, Map<String, JsonNode> assigned) {}

    private record Indexed(int index, JsonNode value) {}

    @FunctionalInterface
    private interface Attempt {
        Outcome run(int retryCount) throws InterruptedException;
    }

    @FunctionalInterface
    private interface Work {
        JsonNode run() throws InterruptedException;
    }

    Execution(LocalRunner runner, StateMachineDefinition definition, JsonNode input, String executionName) {
        this.runner = runner;
        this.definition = definition;
        this.input = input;
        this.executionName = executionName;
        String prefix = "arn:aws:states:" + runner.region() + ":" + runner.accountId() + ":";
        String stateMachineArn = prefix + "stateMachine:" + definition.name();
        this.executionArn = prefix + "execution:" + definition.name() + ":" + executionName;
        Instant start = Instant.now();
        this.executionNode = NODES.objectNode()
                .put("Id", executionArn)
                .put("Name", executionName)
                .put("StartTime", Json.timestamp(start))
                .put("RoleArn", "arn:aws:iam::" + runner.accountId() + ":role/qualisys-local-runner")
                .put("RedriveCount", 0);
        executionNode.set("Input", input);
        this.stateMachineNode = NODES.objectNode().put("Id", stateMachineArn).put("Name", definition.name());
        this.deadlineNanos = definition.timeoutSeconds().isPresent()
                ? System.nanoTime() + TimeUnit.SECONDS.toNanos(definition.timeoutSeconds().getAsInt())
                : Long.MAX_VALUE;
    }

    ExecutionResult run() {
        record(HistoryEventType.EXECUTION_STARTED, null, "", details("executionId", executionArn,
                "name", executionName, "stateMachine", definition.name(), "input", input));
        try {
            JsonNode output = deadlineNanos == Long.MAX_VALUE ? runGraph(definition.graph(), input, "", Variables.root())
                    : runBounded();
            record(HistoryEventType.EXECUTION_SUCCEEDED, null, "", details("output", output));
            return new ExecutionResult(ExecutionStatus.SUCCEEDED, output, null, null, snapshot());
        } catch (StatesError e) {
            return failed(e.error(), e.errorCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("States.Aborted", "the thread running the execution was interrupted");
        } finally {
            stopThreads();
        }
    }

    /**
     * Interrupts what still runs (branches of a failed Parallel, a timed-out task) and gives it a
     * moment to finish, so that nothing of this execution outlives its result.
     */
    private void stopThreads() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the machine on its own thread and stops it when the state machine's TimeoutSeconds
     * elapses, whatever it is doing (a task, a token wait).
     */
    private JsonNode runBounded() throws InterruptedException {
        Future<JsonNode> main = threads.submit(() -> runGraph(definition.graph(), input, "", Variables.root()));
        try {
            return main.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            main.cancel(true);
            throw executionTimedOut();
        } catch (InterruptedException e) {
            main.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private ExecutionResult failed(String error, String cause) {
        record(HistoryEventType.EXECUTION_FAILED, null, "", details("error", error, "cause", cause));
        return new ExecutionResult(ExecutionStatus.FAILED, null, error, cause, snapshot());
    }

    private List<HistoryEvent> snapshot() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    // ------------------------------------------------------------------ the state loop

    private JsonNode runGraph(Graph graph, JsonNode data, String scope, Variables vars) throws InterruptedException {
        String name = graph.startAt();
        while (true) {
            checkAlive();
            StateNode state = graph.state(name);
            Instant entered = Instant.now();
            record(HistoryEventType.STATE_ENTERED, name, scope, details("input", data));
            Step step;
            try {
                step = runState(state, data, entered, scope, vars);
            } catch (StatesError e) {
                record(HistoryEventType.STATE_FAILED, name, scope, details("error", e.error(), "cause", e.errorCause()));
                throw e;
            }
            if (step.assigned() != null && !step.assigned().isEmpty()) {
                vars.assign(step.assigned());
            }
            record(HistoryEventType.STATE_EXITED, name, scope, details("output", step.output(), "next", step.next(),
                    "assigned", step.assigned() == null ? null : Json.MAPPER.valueToTree(step.assigned())));
            if (step.next() == null) {
                return step.output();
            }
            name = step.next();
            data = step.output();
        }
    }

    private void checkAlive() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        if (System.nanoTime() > deadlineNanos) {
            throw executionTimedOut();
        }
    }

    private StatesError executionTimedOut() {
        return StatesError.executionTimeout("the state machine's TimeoutSeconds ("
                + definition.timeoutSeconds().orElse(0) + ") elapsed");
    }

    private Step runState(StateNode state, JsonNode raw, Instant entered, String scope, Variables vars)
            throws InterruptedException {
        return switch (state) {
            case PassState p -> pass(p, raw, entered, vars);
            case TaskState t -> handle(t.name(), scope, t.next(), t.retry(), t.catchers(), t.io(), raw, entered, vars,
                    retryCount -> task(t, raw, entered, retryCount, scope, vars));
            case ChoiceState c -> choice(c, raw, entered, vars);
            case WaitState w -> waitState(w, raw, entered, scope, vars);
            case SucceedState s -> {
                Scope sc = Scope.of(raw, context(s.name(), entered, 0, null, null), vars);
                if (s.io().jsonata()) {
                    yield new Step(null, output(s.io(), sc, raw), null);
                }
                JsonNode effective = inputPath(s.io(), sc, s.name());
                yield new Step(null, outputPath(s.io(), sc.withInput(effective), s.name()), null);
            }
            case FailState f -> throw fail(f, raw, entered, vars);
            case ParallelState p -> handle(p.name(), scope, p.next(), p.retry(), p.catchers(), p.io(), raw, entered,
                    vars, retryCount -> parallel(p, raw, entered, retryCount, scope, vars));
            case MapState m -> handle(m.name(), scope, m.next(), m.retry(), m.catchers(), m.io(), raw, entered, vars,
                    retryCount -> map(m, raw, entered, retryCount, scope, vars));
        };
    }

    // ------------------------------------------------------------------ Retry and Catch

    private Step handle(String stateName, String scope, String next, List<Retrier> retriers, List<Catcher> catchers,
                        Io io, JsonNode raw, Instant entered, Variables vars, Attempt attempt)
            throws InterruptedException {
        int[] retriesUsed = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            try {
                Outcome outcome = attempt.run(retryCount);
                return new Step(next, outcome.output(), outcome.assigned());
            } catch (StatesError e) {
                if (e.isTerminal()) {
                    throw e;
                }
                // Only the first Retrier whose ErrorEquals matches applies; once it has used its
                // MaxAttempts the error goes to the Catchers (the developer guide's
                // ErrorA/ErrorB/ErrorC example).
                int r = firstMatching(retriers, e.error());
                if (r >= 0 && retriesUsed[r] < retriers.get(r).maxAttempts()) {
                    Retrier retrier = retriers.get(r);
                    double delay = retrier.backoffSeconds(retriesUsed[r]);
                    if (retrier.fullJitter()) {
                        synchronized (runner.random()) {
                            delay = runner.random().nextDouble() * delay;
                        }
                    }
                    retriesUsed[r]++;
                    retryCount++;
                    record(HistoryEventType.RETRY_SCHEDULED, stateName, scope, details("error", e.error(),
                            "cause", e.errorCause(), "retrier", r, "retryCount", retryCount, "delaySeconds", delay));
                    sleepScaled(delay);
                    continue;
                }
                for (int c = 0; c < catchers.size(); c++) {
                    Catcher catcher = catchers.get(c);
                    if (catcher.matches(e.error())) {
                        ObjectNode errorOutput = NODES.objectNode().put("Error", e.error());
                        if (e.errorCause() != null) {
                            errorOutput.put("Cause", e.errorCause());
                        }
                        Scope sc = Scope.of(raw, context(stateName, entered, retryCount, null, null), vars)
                                .withErrorOutput(errorOutput);
                        JsonNode output;
                        Map<String, JsonNode> assigned;
                        if (io.jsonata()) {
                            // A JSONata catcher's output is the error output unless it has Output.
                            output = catcher.output() == null ? errorOutput : catcher.output().evaluate(sc);
                            assigned = assignments(catcher.assign(), sc);
                        } else {
                            output = resultPath(catcher.resultPath(), raw, errorOutput, stateName,
                                    "Catch[" + c + "].ResultPath");
                            assigned = assignments(catcher.assign(), sc.withInput(errorOutput));
                        }
                        record(HistoryEventType.ERROR_CAUGHT, stateName, scope, details("error", e.error(),
                                "cause", e.errorCause(), "catcher", c, "next", catcher.next()));
                        return new Step(catcher.next(), output, assigned);
                    }
                }
                throw e;
            }
        }
    }

    private static int firstMatching(List<Retrier> retriers, String error) {
        for (int i = 0; i < retriers.size(); i++) {
            if (retriers.get(i).matches(error)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ input and output processing

    private JsonNode read(JsonPath path, Scope sc) {
        return path.read(sc).orElse(null);
    }

    private JsonNode inputPath(Io io, Scope sc, String stateName) {
        if (io.inputPath() == null) {
            return NODES.objectNode();
        }
        JsonNode v = read(io.inputPath(), sc);
        if (v == null) {
            throw StatesError.runtime("Invalid path '" + io.inputPath() + "': the InputPath of state \"" + stateName
                    + "\" selects nothing in the input '" + Json.abbreviate(sc.input()) + "'");
        }
        return v;
    }

    /** OutputPath applied to {@code sc.input()} (the combined data). */
    private JsonNode outputPath(Io io, Scope sc, String stateName) {
        if (io.outputPath() == null) {
            return NODES.objectNode();
        }
        JsonNode v = read(io.outputPath(), sc);
        if (v == null) {
            throw StatesError.runtime("Invalid path '" + io.outputPath() + "': the OutputPath of state \"" + stateName
                    + "\" selects nothing in '" + Json.abbreviate(sc.input()) + "'");
        }
        return v;
    }

    private JsonNode resultPath(JsonPath path, JsonNode raw, JsonNode result, String stateName, String field) {
        if (path == null) {
            return raw;
        }
        try {
            return path.write(raw, result);
        } catch (JsonPath.PathMatchException e) {
            throw new StatesError(StatesErrors.RESULT_PATH_MATCH_FAILURE, "Unable to apply " + field + " '" + path
                    + "' of state \"" + stateName + "\" to the input '" + Json.abbreviate(raw) + "': " + e.getMessage());
        }
    }

    /** Parameters applied to the effective input (JSONPath), or the effective input itself. */
    private JsonNode parameters(Io io, Scope effective) {
        return io.parameters() == null ? effective.input() : io.parameters().evaluate(effective);
    }

    /** A JSONata state's Output, or its default. */
    private static JsonNode output(Io io, Scope sc, JsonNode defaultOutput) {
        return io.output() == null ? defaultOutput : io.output().evaluate(sc);
    }

    /** Evaluates an Assign object into the variables it sets; null when there is none. */
    private static Map<String, JsonNode> assignments(Template assign, Scope sc) {
        if (assign == null) {
            return null;
        }
        JsonNode values = assign.evaluate(sc);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        values.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * JSONPath: ResultSelector → Assign ({@code $} is the selected result) → ResultPath →
     * OutputPath. JSONata: Assign and Output, both seeing {@code $states.result}.
     */
    private Outcome finish(Io io, JsonNode raw, JsonNode result, Scope sc, String stateName) {
        if (io.jsonata()) {
            Scope withResult = sc.withResult(result);
            return new Outcome(output(io, withResult, result), assignments(io.assign(), withResult));
        }
        JsonNode selected = io.resultSelector() == null ? result : io.resultSelector().evaluate(sc.withInput(result));
        Map<String, JsonNode> assigned = assignments(io.assign(), sc.withInput(selected));
        JsonNode combined = resultPath(io.resultPath(), raw, selected, stateName, "ResultPath");
        return new Outcome(outputPath(io, sc.withInput(combined), stateName), assigned);
    }

    // ------------------------------------------------------------------ states

    private Step pass(PassState p, JsonNode raw, Instant entered, Variables vars) {
        Scope sc = Scope.of(raw, context(p.name(), entered, 0, null, null), vars);
        if (p.io().jsonata()) {
            return new Step(p.next(), output(p.io(), sc, raw), assignments(p.io().assign(), sc));
        }
        Scope effective = sc.withInput(inputPath(p.io(), sc, p.name()));
        JsonNode result = p.result() != null ? p.result().deepCopy() : parameters(p.io(), effective);
        Map<String, JsonNode> assigned = assignments(p.io().assign(), sc.withInput(result));
        JsonNode combined = resultPath(p.io().resultPath(), raw, result, p.name(), "ResultPath");
        return new Step(p.next(), outputPath(p.io(), sc.withInput(combined), p.name()), assigned);
    }

    private Outcome task(TaskState t, JsonNode raw, Instant entered, int retryCount, String scope, Variables vars)
            throws InterruptedException {
        String resource = t.resource();
        String taskToken = resource.endsWith(DefinitionParser.WAIT_FOR_TASK_TOKEN) ? UUID.randomUUID().toString() : null;
        ObjectNode ctx = context(t.name(), entered, retryCount, taskToken, null);
        Scope sc = Scope.of(raw, ctx, vars);
        JsonNode selected;
        JsonNode effective;
        if (t.io().jsonata()) {
            selected = raw;
            effective = t.io().arguments() == null ? raw : t.io().arguments().evaluate(sc);
        } else {
            selected = inputPath(t.io(), sc, t.name());
            effective = parameters(t.io(), sc.withInput(selected));
        }

        boolean lambdaInvoke = resource.equals(DefinitionParser.LAMBDA_INVOKE)
                || resource.equals(DefinitionParser.LAMBDA_INVOKE + DefinitionParser.WAIT_FOR_TASK_TOKEN);
        String target = resource;
        JsonNode payload = effective;
        if (lambdaInvoke) {
            JsonNode functionName = effective.get("FunctionName");
            if (functionName == null || !functionName.isTextual()) {
                throw StatesError.runtime("state \"" + t.name() + "\": the lambda:invoke "
                        + (t.io().jsonata() ? "Arguments" : "Parameters") + " have no FunctionName string: "
                        + Json.abbreviate(effective));
            }
            target = functionName.textValue();
            payload = effective.has("Payload") ? effective.get("Payload") : NODES.objectNode();
        }
        Integer timeout = t.timeoutSeconds();
        if (t.timeoutSecondsPath() != null || t.timeoutExpression() != null) {
            JsonNode v = t.timeoutExpression() != null ? t.timeoutExpression().evaluate(sc)
                    : read(t.timeoutSecondsPath(), sc.withInput(selected));
            if (v == null || !v.isIntegralNumber() || v.asLong() <= 0 || !v.canConvertToInt()) {
                String field = t.timeoutExpression() != null ? "TimeoutSeconds" : "TimeoutSecondsPath '"
                        + t.timeoutSecondsPath() + "'";
                String message = "state \"" + t.name() + "\": " + field + " must give a positive integer, got "
                        + (v == null ? "nothing" : Json.abbreviate(v));
                throw t.timeoutExpression() != null
                        ? new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, message) : StatesError.runtime(message);
            }
            timeout = v.intValue();
        }
        record(HistoryEventType.TASK_SCHEDULED, t.name(), scope, details("resource", target,
                "integration", lambdaInvoke ? resource : null, "input", payload, "retryCount", retryCount));
        TaskContext taskContext = new TaskContext(executionArn, executionName, definition.name(), t.name(),
                retryCount, taskToken, ctx);
        String dispatchTo = target;
        JsonNode dispatchInput = payload;
        Work work = () -> {
            if (taskToken == null) {
                JsonNode returned = dispatch(dispatchTo, dispatchInput.deepCopy(), taskContext);
                return lambdaInvoke ? lambdaResponse(returned) : returned;
            }
            runner.taskTokenBroker().register(taskToken, executionArn, t.name());
            try {
                dispatch(dispatchTo, dispatchInput.deepCopy(), taskContext);
            } catch (StatesError | InterruptedException e) {
                runner.taskTokenBroker().release(taskToken);
                throw e;
            }
            record(HistoryEventType.TASK_TOKEN_WAITING, t.name(), scope, details("token", taskToken));
            return switch (runner.taskTokenBroker().await(taskToken, executionArn)) {
                case TaskTokenBroker.Success s -> s.output() == null ? NODES.nullNode() : s.output();
                case TaskTokenBroker.Failure f -> throw new StatesError(
                        f.error() == null ? StatesErrors.TASK_FAILED : f.error(), f.cause());
            };
        };
        JsonNode result;
        try {
            result = timeout == null ? work.run() : withTimeout(work, timeout, t.name());
        } catch (StatesError e) {
            record(HistoryEventType.TASK_FAILED, t.name(), scope, details("error", e.error(), "cause", e.errorCause()));
            throw e;
        }
        record(HistoryEventType.TASK_SUCCEEDED, t.name(), scope, details("output", result));
        return finish(t.io(), raw, result, sc, t.name());
    }

    private JsonNode dispatch(String resource, JsonNode payload, TaskContext ctx) throws InterruptedException {
        try {
            JsonNode returned = runner.dispatcher().invoke(resource, payload, ctx);
            return returned == null ? NODES.nullNode() : returned;
        } catch (TaskFailedException e) {
            throw new StatesError(e.error(), e.errorCause());
        } catch (StatesError e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            // As Lambda reports an unhandled exception: its type is the error name.
            throw new StatesError(e.getClass().getName(), e.getMessage());
        }
    }

    private static JsonNode lambdaResponse(JsonNode payload) {
        ObjectNode out = NODES.objectNode();
        out.put("ExecutedVersion", "$LATEST");
        out.set("Payload", payload);
        out.putObject("SdkHttpMetadata").put("HttpStatusCode", 200);
        out.putObject("SdkResponseMetadata").put("RequestId", UUID.randomUUID().toString());
        out.put("StatusCode", 200);
        return out;
    }

    private JsonNode withTimeout(Work work, int timeoutSeconds, String stateName) throws InterruptedException {
        Future<JsonNode> future = threads.submit(work::run);
        try {
            return future.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StatesError(StatesErrors.TIMEOUT, "Task \"" + stateName + "\" timed out after "
                    + timeoutSeconds + " seconds (TimeoutSeconds)");
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private StatesError rethrow(Throwable cause) throws InterruptedException {
        if (cause instanceof StatesError se) {
            throw se;
        }
        if (cause instanceof InterruptedException ie) {
            throw ie;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(cause);
    }

    private Step choice(ChoiceState c, JsonNode raw, Instant entered, Variables vars) {
        Scope sc = Scope.of(raw, context(c.name(), entered, 0, null, null), vars);
        Scope effective = c.io().jsonata() ? sc : sc.withInput(inputPath(c.io(), sc, c.name()));
        Choice matched = null;
        for (Choice choice : c.choices()) {
            if (choice.rule().matches(effective)) {
                matched = choice;
                break;
            }
        }
        if (matched == null && c.defaultNext() == null) {
            throw new StatesError(StatesErrors.NO_CHOICE_MATCHED, "No Choice rule of state \"" + c.name()
                    + "\" matched the input '" + Json.abbreviate(effective.input()) + "' and it has no Default");
        }
        String next = matched != null ? matched.next() : c.defaultNext();
        // The matched rule's Assign and Output; the state's own when the Default is taken.
        Template assign = matched != null && matched.assign() != null ? matched.assign() : c.io().assign();
        Map<String, JsonNode> assigned = assignments(assign, effective);
        if (c.io().jsonata()) {
            Template output = matched != null && matched.output() != null ? matched.output() : c.io().output();
            return new Step(next, output == null ? raw : output.evaluate(sc), assigned);
        }
        return new Step(next, outputPath(c.io(), effective, c.name()), assigned);
    }

    private Step waitState(WaitState w, JsonNode raw, Instant entered, String scope, Variables vars)
            throws InterruptedException {
        Scope sc = Scope.of(raw, context(w.name(), entered, 0, null, null), vars);
        Scope effective = w.io().jsonata() ? sc : sc.withInput(inputPath(w.io(), sc, w.name()));
        double seconds;
        String until = null;
        if (w.expression() != null) {
            JsonNode v = w.expression().expression().evaluate(sc);
            if (w.expression().field().equals("Seconds")) {
                if (!v.isIntegralNumber() || v.asLong() < 0) {
                    throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "state \"" + w.name()
                            + "\": Seconds must evaluate to a non-negative integer, got " + Json.abbreviate(v));
                }
                seconds = v.asLong();
            } else {
                Instant at = v.isTextual() ? Json.parseTimestamp(v.textValue()) : null;
                if (at == null) {
                    throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "state \"" + w.name()
                            + "\": Timestamp must evaluate to an RFC 3339 timestamp such as 2016-03-14T01:59:00Z, got "
                            + Json.abbreviate(v));
                }
                until = at.toString();
                seconds = Math.max(0, Duration.between(Instant.now(), at).toMillis() / 1000.0);
            }
        } else if (w.seconds() != null) {
            seconds = w.seconds();
        } else if (w.secondsPath() != null) {
            JsonNode v = read(w.secondsPath(), effective);
            if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
                throw StatesError.runtime("state \"" + w.name() + "\": SecondsPath '" + w.secondsPath()
                        + "' must select a non-negative integer, got "
                        + (v == null ? "nothing" : Json.abbreviate(v)));
            }
            seconds = v.asLong();
        } else {
            Instant at = w.timestamp();
            if (w.timestampPath() != null) {
                JsonNode v = read(w.timestampPath(), effective);
                at = v != null && v.isTextual() ? Json.parseTimestamp(v.textValue()) : null;
                if (at == null) {
                    throw StatesError.runtime("state \"" + w.name() + "\": TimestampPath '" + w.timestampPath()
                            + "' must select an RFC 3339 timestamp such as 2016-03-14T01:59:00Z, got "
                            + (v == null ? "nothing" : Json.abbreviate(v)));
                }
            }
            until = at.toString();
            seconds = Math.max(0, Duration.between(Instant.now(), at).toMillis() / 1000.0);
        }
        Map<String, JsonNode> assigned = assignments(w.io().assign(), effective);
        JsonNode output = w.io().jsonata() ? output(w.io(), sc, raw) : outputPath(w.io(), effective, w.name());
        record(HistoryEventType.WAIT_STARTED, w.name(), scope, details("seconds", seconds, "until", until));
        sleepScaled(seconds);
        return new Step(w.next(), output, assigned);
    }

    private StatesError fail(FailState f, JsonNode raw, Instant entered, Variables vars) {
        Scope sc = Scope.of(raw, context(f.name(), entered, 0, null, null), vars);
        String error = f.error();
        String cause = f.cause();
        if (f.errorPath() != null) {
            error = text(f.errorPath(), sc, f);
        }
        if (f.causePath() != null) {
            cause = text(f.causePath(), sc, f);
        }
        return new StatesError(error, cause);
    }

    private static String text(StateNode.DynamicValue value, Scope sc, FailState f) {
        JsonNode v = value.evaluate(sc);
        if (!v.isTextual()) {
            String message = "state \"" + f.name() + "\": " + value.field() + " must produce a string, got "
                    + Json.abbreviate(v);
            throw value.expression() != null ? new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, message)
                    : StatesError.runtime(message);
        }
        return v.textValue();
    }

    private Outcome parallel(ParallelState p, JsonNode raw, Instant entered, int retryCount, String scope,
                             Variables vars) throws InterruptedException {
        ObjectNode ctx = context(p.name(), entered, retryCount, null, null);
        Scope sc = Scope.of(raw, ctx, vars);
        JsonNode effective;
        if (p.io().jsonata()) {
            effective = p.io().arguments() == null ? raw : p.io().arguments().evaluate(sc);
        } else {
            effective = parameters(p.io(), sc.withInput(inputPath(p.io(), sc, p.name())));
        }
        List<Callable<JsonNode>> jobs = new ArrayList<>();
        for (int i = 0; i < p.branches().size(); i++) {
            int index = i;
            Graph branch = p.branches().get(i);
            String branchScope = child(scope, p.name(), i);
            jobs.add(() -> {
                record(HistoryEventType.BRANCH_STARTED, p.name(), scope, details("index", index));
                try {
                    JsonNode out = runGraph(branch, effective, branchScope, vars.child());
                    record(HistoryEventType.BRANCH_SUCCEEDED, p.name(), scope, details("index", index));
                    return out;
                } catch (StatesError e) {
                    record(HistoryEventType.BRANCH_FAILED, p.name(), scope, details("index", index,
                            "error", e.error(), "cause", e.errorCause()));
                    throw e;
                }
            });
        }
        ArrayNode results = runAll(jobs, 0);
        return finish(p.io(), raw, results, sc, p.name());
    }

    private Outcome map(MapState m, JsonNode raw, Instant entered, int retryCount, String scope, Variables vars)
            throws InterruptedException {
        ObjectNode ctx = context(m.name(), entered, retryCount, null, null);
        Scope sc = Scope.of(raw, ctx, vars);
        boolean jsonata = m.io().jsonata();
        Scope effective = jsonata ? sc : sc.withInput(inputPath(m.io(), sc, m.name()));
        JsonNode items;
        if (jsonata) {
            items = m.items() == null ? raw : m.items().evaluate(sc);
            if (!items.isArray()) {
                throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "state \"" + m.name() + "\": Items must"
                        + " be a JSON array, got " + JsonPath.describeType(items) + ": " + Json.abbreviate(items));
            }
        } else {
            items = read(m.itemsPath(), effective);
            if (items == null || !items.isArray()) {
                throw StatesError.runtime("state \"" + m.name() + "\": ItemsPath '" + m.itemsPath()
                        + "' must select a JSON array, got " + (items == null ? "nothing" : JsonPath.describeType(items))
                        + " in '" + Json.abbreviate(effective.input()) + "'");
            }
        }
        int maxConcurrency = m.maxConcurrency();
        if (m.maxConcurrencyPath() != null || m.maxConcurrencyExpression() != null) {
            JsonNode v = m.maxConcurrencyExpression() != null ? m.maxConcurrencyExpression().evaluate(sc)
                    : read(m.maxConcurrencyPath(), effective);
            if (v == null || !v.isIntegralNumber() || v.asLong() < 0 || !v.canConvertToInt()) {
                String message = "state \"" + m.name() + "\": " + (jsonata ? "MaxConcurrency"
                        : "MaxConcurrencyPath '" + m.maxConcurrencyPath() + "'")
                        + " must give a non-negative integer, got " + (v == null ? "nothing" : Json.abbreviate(v));
                throw jsonata ? new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, message) : StatesError.runtime(message);
            }
            maxConcurrency = v.intValue();
        }
        List<Callable<JsonNode>> jobs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            JsonNode item = items.get(i);
            String iterationScope = child(scope, m.name(), i);
            jobs.add(() -> {
                record(HistoryEventType.MAP_ITERATION_STARTED, m.name(), scope, details("index", index));
                try {
                    JsonNode itemInput = item;
                    if (m.itemSelector() != null) {
                        ObjectNode mapItem = NODES.objectNode().put("Index", index);
                        mapItem.set("Value", item);
                        Scope itemScope = Scope.of(effective.input(),
                                context(m.name(), entered, retryCount, null, mapItem), vars);
                        itemInput = m.itemSelector().evaluate(itemScope);
                    }
                    JsonNode out = runGraph(m.processor(), itemInput, iterationScope, vars.child());
                    record(HistoryEventType.MAP_ITERATION_SUCCEEDED, m.name(), scope, details("index", index));
                    return out;
                } catch (StatesError e) {
                    record(HistoryEventType.MAP_ITERATION_FAILED, m.name(), scope, details("index", index,
                            "error", e.error(), "cause", e.errorCause()));
                    throw e;
                }
            });
        }
        ArrayNode results = runAll(jobs, maxConcurrency);
        return finish(m.io(), raw, results, sc, m.name());
    }

    private static String child(String scope, String stateName, int index) {
        String here = stateName + "[" + index + "]";
        return scope.isEmpty() ? here : scope + "/" + here;
    }

    /**
     * Runs the jobs concurrently, at most {@code maxConcurrency} at a time (0 = all), started in
     * order; returns their results in job order. The first failure cancels (interrupts) the
     * others and is rethrown: a failing branch or iteration fails the whole state with its error.
     */
    private ArrayNode runAll(List<Callable<JsonNode>> jobs, int maxConcurrency) throws InterruptedException {
        int n = jobs.size();
        JsonNode[] results = new JsonNode[n];
        int limit = maxConcurrency <= 0 ? n : maxConcurrency;
        CompletionService<Indexed> done = new ExecutorCompletionService<>(threads);
        Map<Integer, Future<Indexed>> running = new HashMap<>();
        int started = 0;
        int finished = 0;
        try {
            while (finished < n) {
                while (started < n && running.size() < limit) {
                    int index = started++;
                    Callable<JsonNode> job = jobs.get(index);
                    running.put(index, done.submit(() -> new Indexed(index, job.call())));
                }
                Future<Indexed> f = done.take();
                Indexed r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    cancelAll(running);
                    throw rethrow(e.getCause());
                }
                running.remove(r.index());
                results[r.index()] = r.value();
                finished++;
            }
        } catch (InterruptedException e) {
            cancelAll(running);
            throw e;
        }
        ArrayNode out = NODES.arrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return out;
    }

    private static void cancelAll(Map<Integer, Future<Indexed>> running) {
        running.values().forEach(f -> f.cancel(true));
    }

    // ------------------------------------------------------------------ time

    private void sleepScaled(double aslSeconds) throws InterruptedException {
        long millis = Math.round(aslSeconds * 1000 * runner.waitScale());
        if (millis <= 0) {
            checkAlive();
            return;
        }
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (deadlineNanos != Long.MAX_VALUE && millis > remaining) {
            Thread.sleep(Math.max(0, remaining));
            throw executionTimedOut();
        }
        Thread.sleep(millis);
    }

    // ------------------------------------------------------------------ context object and history

    private ObjectNode context(String stateName, Instant entered, int retryCount, String taskToken, ObjectNode mapItem) {
        ObjectNode c = NODES.objectNode();
        c.set("Execution", executionNode);
        c.set("StateMachine", stateMachineNode);
        c.putObject("State").put("Name", stateName).put("EnteredTime", Json.timestamp(entered))
                .put("RetryCount", retryCount);
        if (taskToken != null) {
            c.putObject("Task").put("Token", taskToken);
        }
        if (mapItem != null) {
            c.putObject("Map").set("Item", mapItem);
        }
        return c;
    }

    private void record(HistoryEventType type, String stateName, String scope, ObjectNode details) {
        HistoryEvent event;
        synchronized (history) {
            event = new HistoryEvent(nextEventId++, Instant.now(), type, stateName, scope, details);
            history.add(event);
        }
        try {
            runner.listener().onEvent(event);
        } catch (RuntimeException ignored) {
            // A broken progress printer must not break the execution.
        }
    }

    private static ObjectNode details(Object... keyValues) {
        ObjectNode d = NODES.objectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            String key = (String) keyValues[i];
            Object v = keyValues[i + 1];
            switch (v) {
                case null -> { }
                case JsonNode j -> d.set(key, j);
                case String s -> d.put(key, s);
                case Integer n -> d.put(key, n);
                case Long n -> d.put(key, n);
                case Double n -> d.put(key, n);
                default -> d.put(key, v.toString());
            }
        }
        return d;
    }
}
