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

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = fields.get(name);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) throw new BadInputException("input field '" + name + "' must be an object, got " + describe(v));
        return (Map<String, Object>) m;
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return (s.length() > 60 ? s.substring(0, 60) + "…" : s) + " (" + v.getClass().getSimpleName() + ")";
    }
}
