package com.qualisys.controlplane.events;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads an event payload as JSON, strictly: at most {@link #MAX_BYTES} (the EventBridge and SNS
 * limit), one JSON value with nothing after it, no duplicate keys, bounded nesting.
 */
public final class StrictJson {
    /** EventBridge events and SNS messages are at most 256 KiB; anything larger did not come from them. */
    public static final int MAX_BYTES = 256 * 1024;
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_BYTES).maxNumberLength(64).build());
    }

    private StrictJson() {}

    /** Checks null and size: the first gate of every parser. */
    public static void checkSize(String payload, String what) throws EventParseException {
        if (payload == null) throw new EventParseException(what, null, "is missing");
        // UTF-8 length without copying: a char is at most 3 bytes, surrogate pairs 4 for two chars.
        if (payload.length() > MAX_BYTES || utf8Length(payload) > MAX_BYTES) {
            throw new EventParseException(what, "(" + utf8Length(payload) + " bytes)",
                    "is larger than the " + MAX_BYTES + "-byte limit of EventBridge and SNS");
        }
        if (payload.isBlank()) throw new EventParseException(what, "\"\"", "is empty");
    }

    /** Parses a JSON object payload; any other JSON value, or invalid JSON, is an error naming where. */
    public static JsonNode readObject(String payload, String what) throws EventParseException {
        checkSize(payload, what);
        JsonNode node;
        try {
            node = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw new EventParseException(what, null, "is not valid JSON" + where + ": " + reason(e));
        }
        if (node == null || !node.isObject()) {
            throw new EventParseException(what, node == null ? null : Values.quote(node.toString()), "is not a JSON object");
        }
        return node;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** What went wrong, in words that never echo payload content (a token could be a secret). */
    private static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) return "it ends early (truncated)";
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            return "it exceeds a parser limit (nesting depth " + MAX_DEPTH + ", number length 64)";
        }
        if (m.startsWith("Duplicate field")) return "a field appears twice";
        if (m.contains("Trailing token")) return "there is content after the JSON value";
        if (m.contains("Invalid UTF-8") || m.contains("Illegal character") || m.contains("Illegal unquoted character")) {
            return "it contains an illegal character";
        }
        return "unexpected content";
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
