package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A resource as the spec wants it. Attribute values are plain data (String, Number, Boolean,
 * List, Map). A value of the form {@code ref:<logical-id>} refers to another managed resource
 * and is resolved to its physical id at apply time; such references also order apply.
 * Only the attributes named here are owned: others on the live resource are not drift.
 * Lists compare exactly (layers sort set-like lists); maps compare key by key.
 */
public record DesiredResource(String logicalId, ResourceKind kind, Map<String, Object> attributes, Set<String> dependsOn) {
    public static final String REF = "ref:";

    public DesiredResource {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        Set<String> deps = new LinkedHashSet<>(dependsOn);
        collectRefs(attributes.values(), deps);
        deps.remove(logicalId);
        dependsOn = Set.copyOf(deps);
    }

    public DesiredResource(String logicalId, ResourceKind kind, Map<String, Object> attributes) {
        this(logicalId, kind, attributes, Set.of());
    }

    public static String ref(String logicalId) {
        return REF + logicalId;
    }

    public static boolean isRef(Object value) {
        return value instanceof String s && s.startsWith(REF);
    }

    /**
     * A copy with one attribute set, by the dotted path {@link Differ} reports ("scaling.maxSize" sets
     * maxSize inside the scaling map). A key that itself contains dots is matched whole first.
     */
    public DesiredResource withAttribute(String path, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        put(copy, path, value);
        return new DesiredResource(logicalId, kind, copy, dependsOn);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> into, String path, Object value) {
        if (!into.containsKey(path)) {
            for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
                if (into.get(path.substring(0, dot)) instanceof Map<?, ?> inner) {
                    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) inner);
                    put(copy, path.substring(dot + 1), value);
                    into.put(path.substring(0, dot), copy);
                    return;
                }
            }
        }
        into.put(path, value);
    }

    public Object attribute(String name) {
        return attributes.get(name);
    }

    public String string(String name) {
        Object v = attributes.get(name);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        Object v = attributes.get(name);
        return v == null ? List.of() : new ArrayList<>((List<String>) v);
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> stringMap(String name) {
        Object v = attributes.get(name);
        return v == null ? Map.of() : (Map<String, String>) v;
    }

    /** The logical ids a value refers to ({@code ref:<logical-id>}, alone or inside an encoded string). */
    public static void collectRefs(Object value, Set<String> into) {
        if (value != null) collectRefs(List.of(value), into);
    }

    private static void collectRefs(Collection<?> values, Set<String> into) {
        for (Object v : values) {
            if (v instanceof String s) {
                // A ref can stand alone or inside an encoded rule such as "tcp:5432:ref:vpc/security-group/k8s-nodes".
                int at = s.indexOf(REF);
                if (at >= 0) into.add(s.substring(at + REF.length()));
            } else if (v instanceof Map<?, ?> m) {
                collectRefs(m.values(), into);
            } else if (v instanceof Collection<?> c) {
                collectRefs(c, into);
            }
        }
    }
}
