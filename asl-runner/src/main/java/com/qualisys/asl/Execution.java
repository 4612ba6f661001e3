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

    /** What a state hands over: the next state (null: the scope ends) and the output. */
    private record Step(String next, JsonNode output) {}

    private record Indexed(int index, JsonNode value) {}

    @FunctionalInterface
    private interface Attempt {
        JsonNode run(int retryCount) throws InterruptedException;
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
            JsonNode output = deadlineNanos == Long.MAX_VALUE ? runGraph(definition.graph(), input, "") : runBounded();
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
        Future<JsonNode> main = threads.submit(() -> runGraph(definition.graph(), input, ""));
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

    private JsonNode runGraph(Graph graph, JsonNode data, String scope) throws InterruptedException {
        String name = graph.startAt();
        while (true) {
            checkAlive();
            StateNode state = graph.state(name);
            Instant entered = Instant.now();
            record(HistoryEventType.STATE_ENTERED, name, scope, details("input", data));
            Step step;
            try {
                step = runState(state, data, entered, scope);
            } catch (StatesError e) {
                record(HistoryEventType.STATE_FAILED, name, scope, details("error", e.error(), "cause", e.errorCause()));
                throw e;
            }
            record(HistoryEventType.STATE_EXITED, name, scope, details("output", step.output(), "next", step.next()));
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

    private Step runState(StateNode state, JsonNode raw, Instant entered, String scope) throws InterruptedException {
        return switch (state) {
            case PassState p -> new Step(p.next(), pass(p, raw, entered));
            case TaskState t -> handle(t.name(), scope, t.next(), t.retry(), t.catchers(), raw,
                    retryCount -> task(t, raw, entered, retryCount, scope));
            case ChoiceState c -> choice(c, raw, entered);
            case WaitState w -> new Step(w.next(), waitState(w, raw, entered, scope));
            case SucceedState s -> {
                JsonNode ctx = context(s.name(), entered, 0, null, null);
                JsonNode effective = inputPath(s.io(), raw, ctx, s.name());
                yield new Step(null, outputPath(s.io(), effective, ctx, s.name()));
            }
            case FailState f -> throw fail(f, raw, entered);
            case ParallelState p -> handle(p.name(), scope, p.next(), p.retry(), p.catchers(), raw,
                    retryCount -> parallel(p, raw, entered, retryCount, scope));
            case MapState m -> handle(m.name(), scope, m.next(), m.retry(), m.catchers(), raw,
                    retryCount -> map(m, raw, entered, retryCount, scope));
        };
    }

    // ------------------------------------------------------------------ Retry and Catch

    private Step handle(String stateName, String scope, String next, List<Retrier> retriers, List<Catcher> catchers,
                        JsonNode raw, Attempt attempt) throws InterruptedException {
        int[] retriesUsed = new int[retriers.size()];
        int retryCount = 0;
        while (true) {
            try {
                return new Step(next, attempt.run(retryCount));
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
                        JsonNode output = resultPath(catcher.resultPath(), raw, errorOutput, stateName, "Catch[" + c + "].ResultPath");
                        record(HistoryEventType.ERROR_CAUGHT, stateName, scope, details("error", e.error(),
                                "cause", e.errorCause(), "catcher", c, "next", catcher.next()));
                        return new Step(catcher.next(), output);
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

    private JsonNode read(JsonPath path, JsonNode data, JsonNode ctx) {
        return path.read(path.isContextPath() ? ctx : data).orElse(null);
    }

    private JsonNode inputPath(Io io, JsonNode raw, JsonNode ctx, String stateName) {
        if (io.inputPath() == null) {
            return NODES.objectNode();
        }
        JsonNode v = read(io.inputPath(), raw, ctx);
        if (v == null) {
            throw StatesError.runtime("Invalid path '" + io.inputPath() + "': the InputPath of state \"" + stateName
                    + "\" selects nothing in the input '" + Json.abbreviate(raw) + "'");
        }
        return v;
    }

    private JsonNode outputPath(Io io, JsonNode data, JsonNode ctx, String stateName) {
        if (io.outputPath() == null) {
            return NODES.objectNode();
        }
        JsonNode v = read(io.outputPath(), data, ctx);
        if (v == null) {
            throw StatesError.runtime("Invalid path '" + io.outputPath() + "': the OutputPath of state \"" + stateName
                    + "\" selects nothing in '" + Json.abbreviate(data) + "'");
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

    private JsonNode parameters(Io io, JsonNode effective, JsonNode ctx) {
        return io.parameters() == null ? effective : io.parameters().apply(effective, ctx);
    }

    /** ResultSelector → ResultPath → OutputPath. */
    private JsonNode finish(Io io, JsonNode raw, JsonNode result, JsonNode ctx, String stateName) {
        JsonNode selected = io.resultSelector() == null ? result : io.resultSelector().apply(result, ctx);
        JsonNode combined = resultPath(io.resultPath(), raw, selected, stateName, "ResultPath");
        return outputPath(io, combined, ctx, stateName);
    }

    // ------------------------------------------------------------------ states

    private JsonNode pass(PassState p, JsonNode raw, Instant entered) {
        JsonNode ctx = context(p.name(), entered, 0, null, null);
        JsonNode effective = parameters(p.io(), inputPath(p.io(), raw, ctx, p.name()), ctx);
        JsonNode result = p.result() != null ? p.result().deepCopy() : effective;
        JsonNode combined = resultPath(p.io().resultPath(), raw, result, p.name(), "ResultPath");
        return outputPath(p.io(), combined, ctx, p.name());
    }

    private JsonNode task(TaskState t, JsonNode raw, Instant entered, int retryCount, String scope)
            throws InterruptedException {
        String resource = t.resource();
        String taskToken = resource.endsWith(DefinitionParser.WAIT_FOR_TASK_TOKEN) ? UUID.randomUUID().toString() : null;
        ObjectNode ctx = context(t.name(), entered, retryCount, taskToken, null);
        JsonNode selected = inputPath(t.io(), raw, ctx, t.name());
        JsonNode effective = parameters(t.io(), selected, ctx);

        boolean lambdaInvoke = resource.equals(DefinitionParser.LAMBDA_INVOKE)
                || resource.equals(DefinitionParser.LAMBDA_INVOKE + DefinitionParser.WAIT_FOR_TASK_TOKEN);
        String target = resource;
        JsonNode payload = effective;
        if (lambdaInvoke) {
            JsonNode functionName = effective.get("FunctionName");
            if (functionName == null || !functionName.isTextual()) {
                throw StatesError.runtime("state \"" + t.name() + "\": the lambda:invoke Parameters have no"
                        + " FunctionName string: " + Json.abbreviate(effective));
            }
            target = functionName.textValue();
            payload = effective.has("Payload") ? effective.get("Payload") : NODES.objectNode();
        }
        Integer timeout = t.timeoutSeconds();
        if (t.timeoutSecondsPath() != null) {
            JsonNode v = read(t.timeoutSecondsPath(), selected, ctx);
            if (v == null || !v.isIntegralNumber() || v.asLong() <= 0 || !v.canConvertToInt()) {
                throw StatesError.runtime("state \"" + t.name() + "\": TimeoutSecondsPath '" + t.timeoutSecondsPath()
                        + "' must select a positive integer, got " + JsonPath.describeType(v));
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
        return finish(t.io(), raw, result, ctx, t.name());
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

    private Step choice(ChoiceState c, JsonNode raw, Instant entered) {
        JsonNode ctx = context(c.name(), entered, 0, null, null);
        JsonNode effective = inputPath(c.io(), raw, ctx, c.name());
        String next = null;
        for (Choice choice : c.choices()) {
            if (choice.rule().matches(effective, ctx)) {
                next = choice.next();
                break;
            }
        }
        if (next == null) {
            next = c.defaultNext();
        }
        if (next == null) {
            throw new StatesError(StatesErrors.NO_CHOICE_MATCHED, "No Choice rule of state \"" + c.name()
                    + "\" matched the input '" + Json.abbreviate(effective) + "' and it has no Default");
        }
        return new Step(next, outputPath(c.io(), effective, ctx, c.name()));
    }

    private JsonNode waitState(WaitState w, JsonNode raw, Instant entered, String scope) throws InterruptedException {
        JsonNode ctx = context(w.name(), entered, 0, null, null);
        JsonNode effective = inputPath(w.io(), raw, ctx, w.name());
        double seconds;
        String until = null;
        if (w.seconds() != null) {
            seconds = w.seconds();
        } else if (w.secondsPath() != null) {
            JsonNode v = read(w.secondsPath(), effective, ctx);
            if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
                throw StatesError.runtime("state \"" + w.name() + "\": SecondsPath '" + w.secondsPath()
                        + "' must select a non-negative integer, got "
                        + (v == null ? "nothing" : Json.abbreviate(v)));
            }
            seconds = v.asLong();
        } else {
            Instant at = w.timestamp();
            if (w.timestampPath() != null) {
                JsonNode v = read(w.timestampPath(), effective, ctx);
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
        record(HistoryEventType.WAIT_STARTED, w.name(), scope, details("seconds", seconds, "until", until));
        sleepScaled(seconds);
        return outputPath(w.io(), effective, ctx, w.name());
    }

    private StatesError fail(FailState f, JsonNode raw, Instant entered) {
        JsonNode ctx = context(f.name(), entered, 0, null, null);
        String error = f.error();
        String cause = f.cause();
        if (f.errorPath() != null) {
            error = text(f.errorPath().evaluate(raw, ctx), f, "ErrorPath");
        }
        if (f.causePath() != null) {
            cause = text(f.causePath().evaluate(raw, ctx), f, "CausePath");
        }
        return new StatesError(error, cause);
    }

    private static String text(JsonNode v, FailState f, String field) {
        if (!v.isTextual()) {
            throw StatesError.runtime("state \"" + f.name() + "\": " + field + " must produce a string, got "
                    + Json.abbreviate(v));
        }
        return v.textValue();
    }

    private JsonNode parallel(ParallelState p, JsonNode raw, Instant entered, int retryCount, String scope)
            throws InterruptedException {
        ObjectNode ctx = context(p.name(), entered, retryCount, null, null);
        JsonNode effective = parameters(p.io(), inputPath(p.io(), raw, ctx, p.name()), ctx);
        List<Callable<JsonNode>> jobs = new ArrayList<>();
        for (int i = 0; i < p.branches().size(); i++) {
            int index = i;
            Graph branch = p.branches().get(i);
            String branchScope = child(scope, p.name(), i);
            jobs.add(() -> {
                record(HistoryEventType.BRANCH_STARTED, p.name(), scope, details("index", index));
                try {
                    JsonNode out = runGraph(branch, effective, branchScope);
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
        return finish(p.io(), raw, results, ctx, p.name());
    }

    private JsonNode map(MapState m, JsonNode raw, Instant entered, int retryCount, String scope)
            throws InterruptedException {
        ObjectNode ctx = context(m.name(), entered, retryCount, null, null);
        JsonNode effective = inputPath(m.io(), raw, ctx, m.name());
        JsonNode items = read(m.itemsPath(), effective, ctx);
        if (items == null || !items.isArray()) {
            throw StatesError.runtime("state \"" + m.name() + "\": ItemsPath '" + m.itemsPath()
                    + "' must select a JSON array, got " + (items == null ? "nothing" : JsonPath.describeType(items))
                    + " in '" + Json.abbreviate(effective) + "'");
        }
        int maxConcurrency = m.maxConcurrency();
        if (m.maxConcurrencyPath() != null) {
            JsonNode v = read(m.maxConcurrencyPath(), effective, ctx);
            if (v == null || !v.isIntegralNumber() || v.asLong() < 0 || !v.canConvertToInt()) {
                throw StatesError.runtime("state \"" + m.name() + "\": MaxConcurrencyPath '" + m.maxConcurrencyPath()
                        + "' must select a non-negative integer, got " + (v == null ? "nothing" : Json.abbreviate(v)));
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
                        itemInput = m.itemSelector().apply(effective, context(m.name(), entered, retryCount, null, mapItem));
                    }
                    JsonNode out = runGraph(m.processor(), itemInput, iterationScope);
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
        return finish(m.io(), raw, results, ctx, m.name());
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
