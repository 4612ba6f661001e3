package com.qualisys.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.cli.local.TaskFacts;
import com.qualisys.controlplane.handlers.StateMachines;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * One line of progress per task that ends, fails, is retried or waits for approval, made from an
 * execution's history events. Pure: the line of an event depends only on the history read so far.
 *
 * <pre>
 * [  12.3s] PlanLayer vpc: 2 change(s), destructive
 * [  13.0s] RequestApproval vpc is waiting for approval: qualisys approve arn:aws:states:...
 * [ 310.4s] ApplyLayer vpc: 2 change(s) applied
 * </pre>
 */
public final class ProgressLines {
    private static final int MAX_CAUSE = 300;

    private ProgressLines() {}

    /** The line for this event, or empty when the event is not worth a line. */
    public static Optional<String> line(HistoryEvent e, ExecutionHistory history, String executionArn) {
        String state = history.stateName(e).orElse("(execution)");
        String text = switch (e.type()) {
            case TASK_SUCCEEDED -> state + layerOf(e, history, output(e)).map(l -> " " + l).orElse("") + TaskFacts.facts(output(e));
            case TASK_FAILED -> state + withLayer(e, history) + " failed: "
                    + errorAndCause(e.taskFailedEventDetails().error(), e.taskFailedEventDetails().cause());
            case TASK_TIMED_OUT -> state + withLayer(e, history) + " timed out: "
                    + errorAndCause(e.taskTimedOutEventDetails().error(), e.taskTimedOutEventDetails().cause());
            case TASK_START_FAILED -> state + withLayer(e, history) + " could not start: "
                    + errorAndCause(e.taskStartFailedEventDetails().error(), e.taskStartFailedEventDetails().cause());
            case TASK_SUBMIT_FAILED -> state + withLayer(e, history) + " could not be submitted: "
                    + errorAndCause(e.taskSubmitFailedEventDetails().error(), e.taskSubmitFailedEventDetails().cause());
            case TASK_SUBMITTED -> waitsForToken(e) ? waiting(state, withLayer(e, history), executionArn) : null;
            case TASK_SCHEDULED -> isRetry(e, history) ? state + withLayer(e, history) + " is retried" : null;
            default -> null;
        };
        return Optional.ofNullable(text).map(t -> elapsed(e, history) + t);
    }

    private static String waiting(String state, String layer, String executionArn) {
        if (state.equals(StateMachines.APPROVAL_STATE)) {
            return state + layer + " is waiting for approval: qualisys approve " + executionArn
                    + "  (or: qualisys reject " + executionArn + " --reason ...)";
        }
        return state + layer + " is waiting for its task token";
    }

    /** The layer a task event concerns: its result's, else its Lambda payload's, else its state input's. */
    static Optional<String> layerOf(HistoryEvent e, ExecutionHistory history, JsonNode output) {
        String fromOutput = TaskFacts.layer(output);
        if (fromOutput != null) return Optional.of(fromOutput);
        Optional<String> fromParameters = history.taskScheduled(e)
                .map(s -> TaskFacts.layer(ExecutionHistory.json(s.taskScheduledEventDetails().parameters())));
        if (fromParameters.isPresent()) return fromParameters;
        return history.stateEntered(e)
                .map(s -> ExecutionHistory.json(s.stateEnteredEventDetails().input()))
                .map(in -> in.path("layer").isTextual() ? in.get("layer").asText() : null);
    }

    private static String withLayer(HistoryEvent e, ExecutionHistory history) {
        return layerOf(e, history, null).map(l -> " " + l).orElse("");
    }

    private static JsonNode output(HistoryEvent e) {
        return ExecutionHistory.json(e.taskSucceededEventDetails().output());
    }

    private static boolean waitsForToken(HistoryEvent e) {
        String resource = e.taskSubmittedEventDetails().resource();
        return resource != null && resource.endsWith(".waitForTaskToken");
    }

    /** A task is scheduled again right after its failure or timeout when a Retry rule matched. */
    private static boolean isRetry(HistoryEvent e, ExecutionHistory history) {
        Long previous = e.previousEventId();
        if (previous == null) return false;
        return history.event(previous).map(p -> p.type() == HistoryEventType.TASK_FAILED
                || p.type() == HistoryEventType.TASK_TIMED_OUT).orElse(false);
    }

    static String errorAndCause(String error, String cause) {
        String c = cause == null || cause.isBlank() ? "" : " " + (cause.length() > MAX_CAUSE ? cause.substring(0, MAX_CAUSE) + "…" : cause);
        return (error == null ? "(no error name)" : error) + c;
    }

    private static String elapsed(HistoryEvent e, ExecutionHistory history) {
        Instant start = history.started().map(HistoryEvent::timestamp).orElse(e.timestamp());
        double seconds = Duration.between(start, e.timestamp()).toMillis() / 1000.0;
        return String.format(java.util.Locale.ROOT, "[%7.1fs] ", seconds);
    }
}
