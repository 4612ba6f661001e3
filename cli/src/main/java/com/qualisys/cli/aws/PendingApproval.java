package com.qualisys.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.handlers.StateMachines;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The approval an execution waits for: the task token of the latest {@code TaskScheduled} event
 * of the {@value StateMachines#APPROVAL_STATE} state whose parameters carry it
 * ({@code Payload.taskToken}), that no task end (succeeded, failed, timed out, could not start)
 * has answered yet. Pure.
 *
 * @param taskToken what SendTaskSuccess / SendTaskFailure need; a bearer secret, never printed
 */
public record PendingApproval(String taskToken, String layer, String environment, long scheduledEventId, Instant scheduledAt) {

    public static Optional<PendingApproval> find(ExecutionHistory history) {
        TreeMap<Long, PendingApproval> open = new TreeMap<>();
        for (HistoryEvent e : history.events()) {
            HistoryEventType type = e.type();
            if (type == HistoryEventType.TASK_SCHEDULED) {
                if (!history.stateName(e).filter(StateMachines.APPROVAL_STATE::equals).isPresent()) continue;
                JsonNode parameters = ExecutionHistory.json(e.taskScheduledEventDetails().parameters());
                JsonNode payload = parameters == null ? null : parameters.path("Payload");
                String token = findToken(parameters);
                if (token == null) continue;
                JsonNode stateInput = history.stateEntered(e).map(s -> ExecutionHistory.json(s.stateEnteredEventDetails().input())).orElse(null);
                open.put(e.id(), new PendingApproval(token, text(payload, stateInput, "layer"), text(payload, stateInput, "environment"),
                        e.id(), e.timestamp()));
            } else if (isTaskEnd(type)) {
                history.taskScheduled(e).ifPresent(s -> open.remove(s.id()));
            } else if (ExecutionHistory.isExecutionEnd(type)) {
                open.clear();
            }
        }
        return open.isEmpty() ? Optional.empty() : Optional.of(open.lastEntry().getValue());
    }

    private static boolean isTaskEnd(HistoryEventType type) {
        return type == HistoryEventType.TASK_SUCCEEDED || type == HistoryEventType.TASK_FAILED
                || type == HistoryEventType.TASK_TIMED_OUT || type == HistoryEventType.TASK_START_FAILED
                || type == HistoryEventType.TASK_SUBMIT_FAILED;
    }

    /** {@code Payload.taskToken} (the Lambda integration), else the first {@code taskToken} field anywhere. */
    static String findToken(JsonNode node) {
        if (node == null) return null;
        JsonNode direct = node.path("Payload").path("taskToken");
        if (direct.isTextual()) return direct.asText();
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().equals("taskToken") && f.getValue().isTextual()) return f.getValue().asText();
                String nested = findToken(f.getValue());
                if (nested != null) return nested;
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                String nested = findToken(item);
                if (nested != null) return nested;
            }
        }
        return null;
    }

    /** The field of the Lambda payload, else of the state's input (other integrations). */
    private static String text(JsonNode payload, JsonNode stateInput, String field) {
        for (JsonNode node : new JsonNode[] {payload, stateInput}) {
            if (node != null && node.path(field).isTextual()) return node.get(field).asText();
        }
        return null;
    }

    /** Without the token: it answers the approval, so it stays out of messages and logs. */
    @Override
    public String toString() {
        return "PendingApproval[layer=" + layer + ", environment=" + environment + ", scheduledEventId=" + scheduledEventId
                + ", scheduledAt=" + scheduledAt + "]";
    }
}
