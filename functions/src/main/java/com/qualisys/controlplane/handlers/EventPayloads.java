package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.json.Json;
import java.util.List;
import java.util.Map;

/**
 * Event payloads as the events package's strict parsers take them: JSON text. The Lambda runtime has
 * already turned the event into a map; a string field (the text of an SNS message, or JSON as text) is
 * passed on as it is.
 */
final class EventPayloads {
    private static final ObjectMapper JSON = Json.mapper();

    private EventPayloads() {}

    static String json(Input input, String field) {
        Object v = input.fields().get(field);
        if (v == null) throw new BadInputException("input field '" + field + "' is missing: expected the event to respond to");
        return json(v);
    }

    static String json(Object v) {
        if (v instanceof String s) return s;
        if (!(v instanceof Map<?, ?>)) throw new BadInputException("the event must be a JSON object or a message text, got " + v.getClass().getSimpleName());
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new BadInputException("the event cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The id that identifies a delivery's event, read leniently (the strict parsers come later and may
     * reject the event): CloudTrail's {@code detail.eventID}, else an SNS message's {@code MessageId}
     * (Lambda's {@code Records[0].Sns.MessageId} or the notification's own), else the EventBridge
     * envelope's {@code id}; null when there is none (or the payload is not JSON).
     */
    static String eventId(String payload) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
        if (root == null || !root.isObject()) return null;
        for (com.fasterxml.jackson.databind.JsonNode id : List.of(root.path("detail").path("eventID"),
                root.path("Records").path(0).path("Sns").path("MessageId"), root.path("MessageId"), root.path("id"))) {
            if (id.isTextual() && !id.asText().isBlank()) return id.asText();
        }
        return null;
    }
}
