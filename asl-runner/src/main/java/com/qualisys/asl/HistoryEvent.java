package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One entry of an execution's history.
 *
 * @param id        1, 2, 3... in the order the events were recorded
 * @param timestamp when
 * @param type      what happened
 * @param stateName the state concerned (null for execution events)
 * @param scope     where the state runs: "" at the top level, {@code Fan[1]} in branch 1 of the
 *                  Parallel state Fan, {@code Deploy[3]} in iteration 3 of the Map state Deploy,
 *                  nested with "/" ({@code Fan[0]/Deploy[2]})
 * @param details   an object with the fields that {@link HistoryEventType} lists for the type
 */
public record HistoryEvent(long id, Instant timestamp, HistoryEventType type, String stateName, String scope,
                           JsonNode details) {

    /** A text field of {@link #details()}, or null. */
    public String detail(String field) {
        JsonNode v = details == null ? null : details.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    @Override
    public String toString() {
        return id + " " + type + (stateName == null ? "" : " " + (scope.isEmpty() ? "" : scope + "/") + stateName)
                + " " + Json.abbreviate(details);
    }
}
