package com.qualisys.controlplane.handlers;

import java.util.List;
import java.util.Map;

/**
 * A handler's input document, read strictly: a missing or wrongly typed field is a
 * {@link BadInputException} naming the field and the value, thrown before any AWS call.
 */
public record Input(Map<String, Object> fields) {
    public static Input of(Map<String, Object> fields) {
        if (fields == null) throw new BadInputException("input is empty: expected a JSON object");
        return new Input(fields);
    }

    public String string(String name) {
        Object v = fields.get(name);
        if (v == null) throw new BadInputException("input field '" + name + "' is missing");
        if (!(v instanceof String s) || s.isBlank()) {
            throw new BadInputException("input field '" + name + "' must be a non-empty string, got " + describe(v));
        }
        return s;
    }

    public String string(String name, String fallback) {
        return fields.get(name) == null ? fallback : string(name);
    }

    public boolean bool(String name, boolean fallback) {
        Object v = fields.get(name);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw new BadInputException("input field '" + name + "' must be true or false, got " + describe(v));
        return b;
    }

    /** A whole number (JSON numbers arrive as Integer, Long or, from some serialisers, Double). */
    public long number(String name) {
        Object v = fields.get(name);
        if (v == null) throw new BadInputException("input field '" + name + "' is missing");
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        throw new BadInputException("input field '" + name + "' must be a whole number, got " + describe(v));
    }

    public String oneOf(String name, List<String> allowed) {
        String v = string(name);
        if (!allowed.contains(v)) {
            throw new BadInputException("input field '" + name + "' is " + v + "; expected one of " + String.join(", ", allowed));
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String name) {
        Object v = fields.get(name);
        if (v == null) throw new BadInputException("input field '" + name + "' is missing");
        if (!(v instanceof List<?> l)) throw new BadInputException("input field '" + name + "' must be a list, got " + describe(v));
        return (List<Object>) l;
    }

    /** An optional list of non-empty strings; null when absent. */
    public List<String> strings(String name) {
        if (fields.get(name) == null) return null;
        List<Object> values = list(name);
        for (int i = 0; i < values.size(); i++) {
            if (!(values.get(i) instanceof String s) || s.isBlank()) {
                throw new BadInputException("input field '" + name + "[" + i + "]' must be a non-empty string, got " + describe(values.get(i)));
            }
        }
        return values.stream().map(String.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = fields.get(name);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) throw new BadInputException("input field '" + name + "' must be an object, got " + describe(v));
        return (Map<String, Object>) m;
    }

    private static String describe(Object v) {
        if (v == null) return "null";
        String s = String.valueOf(v);
        return (s.length() > 60 ? s.substring(0, 60) + "…" : s) + " (" + v.getClass().getSimpleName() + ")";
    }
}
