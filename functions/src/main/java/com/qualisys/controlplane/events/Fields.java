package com.qualisys.controlplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Typed, bounded access to the fields of a parsed payload. Every failure is an
 * {@link EventParseException} naming the dotted path and the value.
 */
public final class Fields {
    /** No identifier, name or date in these payloads is longer; AWS limits most of them to 1024 or less. */
    public static final int MAX_TEXT = 2048;
    public static final int MAX_ITEMS = 1000;

    private Fields() {}

    public static String path(String parent, String key) {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    public static JsonNode requireObject(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = present(parent, parentPath, key);
        if (!n.isObject()) throw wrongType(parentPath, key, n, "is not an object");
        return n;
    }

    /** The object, or null when absent or JSON null. */
    public static JsonNode optionalObject(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw wrongType(parentPath, key, n, "is not an object");
        return n;
    }

    public static String requireText(JsonNode parent, String parentPath, String key) throws EventParseException {
        String s = optionalText(parent, parentPath, key);
        if (s == null) throw new EventParseException(path(parentPath, key), null, "is missing");
        if (s.isBlank()) throw new EventParseException(path(parentPath, key), "\"\"", "is empty");
        return s;
    }

    public static String requireText(JsonNode parent, String parentPath, String key, Pattern shape, String problem)
            throws EventParseException {
        String s = requireText(parent, parentPath, key);
        if (!shape.matcher(s).matches()) throw new EventParseException(path(parentPath, key), Values.quote(s), problem);
        return s;
    }

    /** The text, or null when absent or JSON null; any other type is an error. */
    public static String optionalText(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw wrongType(parentPath, key, n, "is not a string");
        String s = n.textValue();
        if (s.length() > MAX_TEXT) {
            throw new EventParseException(path(parentPath, key), Values.quote(s), "is longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    public static BigDecimal requireNumber(JsonNode parent, String parentPath, String key) throws EventParseException {
        BigDecimal d = optionalNumber(parent, parentPath, key);
        if (d == null) throw new EventParseException(path(parentPath, key), null, "is missing");
        return d;
    }

    /** A JSON number (never a string), or null when absent. */
    public static BigDecimal optionalNumber(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw wrongType(parentPath, key, n, "is not a number");
        BigDecimal d = n.decimalValue();
        if (d.abs().compareTo(new BigDecimal("1e15")) > 0) {
            throw new EventParseException(path(parentPath, key), n.toString(), "is out of range");
        }
        return d;
    }

    /** An integer in [min, max] given as a JSON number or (as CloudTrail sometimes does) a decimal string. */
    public static Integer optionalInt(JsonNode parent, String parentPath, String key, int min, int max) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.longValue();
        } else if (n.isTextual() && n.textValue().matches("-?\\d{1,10}")) {
            v = Long.parseLong(n.textValue());
        } else {
            throw wrongType(parentPath, key, n, "is not an integer");
        }
        if (v < min || v > max) throw new EventParseException(path(parentPath, key), String.valueOf(v), "is not between " + min + " and " + max);
        return (int) v;
    }

    public static Boolean optionalBoolean(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw wrongType(parentPath, key, n, "is not a boolean");
        return n.booleanValue();
    }

    public static Instant requireInstant(JsonNode parent, String parentPath, String key) throws EventParseException {
        String s = requireText(parent, parentPath, key);
        return instant(path(parentPath, key), s);
    }

    public static Instant instant(String path, String s) throws EventParseException {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new EventParseException(path, Values.quote(s), "is not an ISO-8601 timestamp like 2024-05-01T12:00:00Z");
        }
    }

    /** yyyy-MM-dd or a full timestamp (Cost Anomaly Detection uses both), as the date it names. */
    public static LocalDate optionalDate(JsonNode parent, String parentPath, String key) throws EventParseException {
        String s = optionalText(parent, parentPath, key);
        if (s == null) return null;
        try {
            if (s.length() == 10) return LocalDate.parse(s);
            return OffsetDateTime.parse(s).toLocalDate();
        } catch (DateTimeParseException e) {
            throw new EventParseException(path(parentPath, key), Values.quote(s), "is not a date like 2021-05-25 or 2021-05-25T00:00:00Z");
        }
    }

    /** The array's elements, or an empty list when absent; too many elements is an error. */
    public static List<JsonNode> optionalArray(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) return List.of();
        if (!n.isArray()) throw wrongType(parentPath, key, n, "is not an array");
        if (n.size() > MAX_ITEMS) throw new EventParseException(path(parentPath, key), "(" + n.size() + " items)", "has more than " + MAX_ITEMS + " items");
        List<JsonNode> items = new ArrayList<>();
        n.forEach(items::add);
        return items;
    }

    private static JsonNode present(JsonNode parent, String parentPath, String key) throws EventParseException {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) throw new EventParseException(path(parentPath, key), null, "is missing");
        return n;
    }

    private static EventParseException wrongType(String parentPath, String key, JsonNode n, String problem) {
        return new EventParseException(path(parentPath, key), shown(n), problem + " (it is " + typeName(n) + ")");
    }

    static String shown(JsonNode n) {
        if (n.isTextual()) return Values.quote(n.textValue());
        if (n.isContainerNode()) return n.isObject() ? "{…}" : "[…]";
        return Values.printable(n.toString(), Values.SHOWN);
    }

    static String typeName(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
