package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** Shared JSON and timestamp helpers of the runner. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ABBREVIATE_AT = 300;

    /**
     * RFC 3339 as ASL restricts it: an uppercase T between date and time, an uppercase Z or a
     * numeric offset.
     */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    /** Compact JSON text of the node, cut after a few hundred characters (for messages). */
    static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() <= ABBREVIATE_AT ? s : s.substring(0, ABBREVIATE_AT) + "...";
    }

    /** The instant of an ASL timestamp, or null if the text is not one. */
    static Instant parseTimestamp(String text) {
        if (text == null || !TIMESTAMP.matcher(text).matches()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The context-object form of an instant, e.g. 2019-03-26T20:14:13.192Z. */
    static String timestamp(Instant instant) {
        return ISO_MILLIS.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
