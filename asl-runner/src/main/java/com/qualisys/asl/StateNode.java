package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The parsed, validated form of one state. {@code next == null} means {@code "End": true}. */
sealed interface StateNode {

    String name();

    /** A set of states with its start: the whole machine, a Parallel branch or a Map processor. */
    record Graph(String startAt, Map<String, StateNode> states) {
        StateNode state(String name) {
            StateNode s = states.get(name);
            if (s == null) {
                throw new IllegalStateException("no state " + name); // prevented by validation
            }
            return s;
        }
    }

    /**
     * Input/output processing fields. JSONPath states: a {@code null} path is the ASL value
     * {@code null}: InputPath and OutputPath null give {@code {}}, ResultPath null discards the
     * result; {@code parameters} and {@code resultSelector} are null when absent. JSONata states
     * ({@code jsonata}): {@code arguments} and {@code output}, null when absent. Both:
     * {@code assign}, null when absent.
     */
    record Io(JsonPath inputPath, PayloadTemplate parameters, PayloadTemplate resultSelector,
              JsonPath resultPath, JsonPath outputPath, boolean jsonata, Template arguments, Template output,
              Template assign) {
    }

    record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate,
                   Integer maxDelaySeconds, boolean fullJitter) {

        boolean matches(String error) {
            return errorEquals.stream().anyMatch(e -> StatesErrors.matches(e, error));
        }

        /** Seconds to wait before retry number {@code retriesDone + 1}, before jitter. */
        double backoffSeconds(int retriesDone) {
            double delay = intervalSeconds * Math.pow(backoffRate, retriesDone);
            if (maxDelaySeconds != null) {
                delay = Math.min(delay, maxDelaySeconds);
            }
            return delay;
        }
    }

    /** In JSONata states {@code resultPath} is unused and {@code output} may be given. */
    record Catcher(List<String> errorEquals, String next, JsonPath resultPath, Template assign, Template output) {
        boolean matches(String error) {
            return errorEquals.stream().anyMatch(e -> StatesErrors.matches(e, error));
        }
    }

    /**
     * A value given by a path or an intrinsic function (Fail's ErrorPath and CausePath), or a
     * JSONata expression (Fail's Error and Cause, Wait's Seconds and Timestamp, Task's
     * TimeoutSeconds, Map's MaxConcurrency in JSONata states).
     */
    record DynamicValue(String field, JsonPath path, Intrinsic.Call call, Template expression) {
        JsonNode evaluate(Scope scope) {
            if (call != null) {
                return Intrinsic.evaluate(call, scope);
            }
            if (expression != null) {
                return expression.evaluate(scope);
            }
            return path.read(scope).orElseThrow(() -> StatesError.runtime(
                    "The JSONPath '" + path + "' of field " + field + " could not be found in the input '"
                            + Json.abbreviate(scope.input()) + "'"));
        }
    }

    record PassState(String name, String next, Io io, JsonNode result) implements StateNode {}

    record TaskState(String name, String next, Io io, String resource, Integer timeoutSeconds,
                     JsonPath timeoutSecondsPath, DynamicValue timeoutExpression, List<Retrier> retry,
                     List<Catcher> catchers)
            implements StateNode {}

    record Choice(ChoiceRule rule, String next, Template assign, Template output) {}

    record ChoiceState(String name, Io io, List<Choice> choices, String defaultNext) implements StateNode {}

    /** {@code expression}: a JSONata state's Seconds or Timestamp given as an expression. */
    record WaitState(String name, String next, Io io, Long seconds, JsonPath secondsPath, Instant timestamp,
                     JsonPath timestampPath, DynamicValue expression) implements StateNode {}

    record SucceedState(String name, Io io) implements StateNode {}

    record FailState(String name, String error, String cause, DynamicValue errorPath, DynamicValue causePath)
            implements StateNode {}

    record ParallelState(String name, String next, Io io, List<Graph> branches, List<Retrier> retry,
                         List<Catcher> catchers) implements StateNode {}

    /** {@code items}: JSONata's Items (null: the state input); {@code maxConcurrencyExpression} likewise. */
    record MapState(String name, String next, Io io, JsonPath itemsPath, Template items, Template itemSelector,
                    Graph processor, int maxConcurrency, JsonPath maxConcurrencyPath,
                    DynamicValue maxConcurrencyExpression, List<Retrier> retry, List<Catcher> catchers)
            implements StateNode {}
}
