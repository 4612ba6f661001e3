package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The end of an execution.
 *
 * @param status  SUCCEEDED or FAILED
 * @param output  the execution's output (null when FAILED)
 * @param error   the error name when FAILED (e.g. {@code States.Timeout}, a handler's error), else null
 * @param cause   the cause when FAILED (may be null)
 * @param history every event, in order
 */
public record ExecutionResult(ExecutionStatus status, JsonNode output, String error, String cause,
                              List<HistoryEvent> history) {

    public ExecutionResult {
        history = List.copyOf(history);
    }

    public boolean succeeded() {
        return status == ExecutionStatus.SUCCEEDED;
    }

    /** The execution ARN ({@code $$.Execution.Id}). */
    public String executionId() {
        return history.isEmpty() ? null : history.get(0).detail("executionId");
    }

    /** The events of one type, in order. */
    public List<HistoryEvent> events(HistoryEventType type) {
        return history.stream().filter(e -> e.type() == type).toList();
    }

    /** Names of the states entered, in order (all scopes). */
    public List<String> statesEntered() {
        return events(HistoryEventType.STATE_ENTERED).stream().map(HistoryEvent::stateName).toList();
    }
}
