package com.qualisys.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The events of one execution read so far, by id. Pure: answers which state an event belongs
 * to by following {@code previousEventId} back to the state's {@code *StateEntered} event, which
 * is how Step Functions links a task's scheduled, started, submitted and ended events (also
 * inside Parallel branches and Map iterations, where events of several states interleave).
 */
public final class ExecutionHistory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TreeMap<Long, HistoryEvent> byId = new TreeMap<>();

    public ExecutionHistory() {}

    public ExecutionHistory(List<HistoryEvent> events) {
        addAll(events);
    }

    /** Adds events (in any order); returns those that were new, in id order. */
    public List<HistoryEvent> addAll(List<HistoryEvent> events) {
        List<HistoryEvent> added = new ArrayList<>();
        for (HistoryEvent e : events) {
            if (byId.putIfAbsent(e.id(), e) == null) added.add(e);
        }
        added.sort(Comparator.comparingLong(HistoryEvent::id));
        return added;
    }

    public long lastEventId() {
        return byId.isEmpty() ? 0 : byId.lastKey();
    }

    public List<HistoryEvent> events() {
        return List.copyOf(byId.values());
    }

    public Optional<HistoryEvent> event(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<HistoryEvent> started() {
        return byId.values().stream().filter(e -> e.type() == HistoryEventType.EXECUTION_STARTED).findFirst();
    }

    /** The {@code *StateEntered} event of the state the event belongs to (empty for execution events). */
    public Optional<HistoryEvent> stateEntered(HistoryEvent event) {
        HistoryEvent e = event;
        for (int hops = 0; e != null && hops < 10_000; hops++) {
            if (e.stateEnteredEventDetails() != null) return Optional.of(e);
            Long previous = e.previousEventId();
            if (previous == null || previous == 0) return Optional.empty();
            e = byId.get(previous);
        }
        return Optional.empty();
    }

    public Optional<String> stateName(HistoryEvent event) {
        return stateEntered(event).map(e -> e.stateEnteredEventDetails().name());
    }

    /** The {@code TaskScheduled} event the task event answers (for TaskScheduled itself: the event). */
    public Optional<HistoryEvent> taskScheduled(HistoryEvent event) {
        HistoryEvent e = event;
        for (int hops = 0; e != null && hops < 10_000; hops++) {
            if (e.type() == HistoryEventType.TASK_SCHEDULED) return Optional.of(e);
            if (e.stateEnteredEventDetails() != null) return Optional.empty();
            Long previous = e.previousEventId();
            if (previous == null || previous == 0) return Optional.empty();
            e = byId.get(previous);
        }
        return Optional.empty();
    }

    /** Whether the execution has ended (an Execution{Succeeded,Failed,TimedOut,Aborted} event was read). */
    public boolean ended() {
        return byId.values().stream().anyMatch(e -> isExecutionEnd(e.type()));
    }

    public static boolean isExecutionEnd(HistoryEventType type) {
        return type == HistoryEventType.EXECUTION_SUCCEEDED || type == HistoryEventType.EXECUTION_FAILED
                || type == HistoryEventType.EXECUTION_TIMED_OUT || type == HistoryEventType.EXECUTION_ABORTED;
    }

    /** JSON text of an event field; null when absent or not JSON (moto sometimes writes plain strings). */
    static JsonNode json(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return JSON.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }
}
