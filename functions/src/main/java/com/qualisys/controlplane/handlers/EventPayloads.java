package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Event payloads as the events package's strict parsers take them: JSON text. The Lambda runtime has
 * already turned the event into a map; a string field (the text of an SNS message, or JSON as text) is
 * passed on as it is.
 */
final class EventPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

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
}
