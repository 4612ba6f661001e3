package com.qualisys.controlplane.engine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure diff of desired against observed resources: the heart of plan and drift. No I/O.
 */
public final class Differ {
    private Differ() {}

    public static Plan diff(String environment, String layer, List<DesiredResource> desired, List<ObservedResource> observed) {
        Map<String, ObservedResource> live = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        Map<String, ResourceKind> kinds = new HashMap<>();
        desired.forEach(d -> kinds.put(d.kind().name(), d.kind()));
        for (ObservedResource o : observed) {
            ObservedResource first = live.putIfAbsent(o.logicalId(), o);
            if (first != null) {
                // Two live resources claim one logical id (e.g. a crash between two creates without a
                // client token): keep the first, remove the extra.
                changes.add(deletion(environment, o, kinds));
            }
        }
        for (DesiredResource d : desired) {
            ObservedResource o = live.remove(d.logicalId());
            if (o == null) {
                List<Difference> all = new ArrayList<>();
                d.attributes().forEach((k, v) -> all.add(new Difference(k, v, null)));
                changes.add(new Change(d.logicalId(), d.kind().name(), Action.CREATE, false, null, all));
                continue;
            }
            List<Difference> differences = new ArrayList<>();
            if (o.identityLost()) differences.add(ObservedResource.IDENTITY_TAGS_REMOVED);
            compare("", d.attributes(), o.attributes(), differences);
            // A kind that compares its identity tags (an IAM role, a topic) shows their loss once, as the
            // identity difference, not once more per removed tag.
            if (o.identityLost()) differences.removeIf(Differ::isIdentityTag);
            if (differences.isEmpty()) continue;
            List<String> forcing = differences.stream().map(Difference::path)
                    .filter(path -> d.kind().replaceOn().contains(root(path))).toList();
            boolean replace = !forcing.isEmpty();
            changes.add(new Change(d.logicalId(), d.kind().name(), replace ? Action.REPLACE : Action.UPDATE,
                    replace, o.physicalId(), differences, forcing, List.of()));
        }
        for (ObservedResource o : live.values()) changes.add(deletion(environment, o, kinds));
        return new Plan(environment, layer, changes);
    }

    private static Change deletion(String environment, ObservedResource o, Map<String, ResourceKind> kinds) {
        ResourceKind kind = kinds.get(o.kind());
        boolean stateful = kind == null || kind.stateful();
        List<Difference> gone = List.of(new Difference("exists", false, true));
        return new Change(o.logicalId(), o.kind(), Action.DELETE, stateful, o.physicalId(), gone);
    }

    /** A difference in one of the qualisys:* identity tags of a kind's "tags" attribute. */
    private static boolean isIdentityTag(Difference d) {
        return d.path().startsWith("tags.") && Tags.isIdentityTag(d.path().substring("tags.".length()));
    }

    private static String root(String path) {
        int dot = path.indexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    /** Owned attributes only: keys of the expected map; lists compare whole; scalars compare by value. */
    static void compare(String prefix, Map<String, Object> expected, Map<String, Object> actual, List<Difference> out) {
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            if (e.getValue() == null) continue;
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Object live = actual == null ? null : actual.get(e.getKey());
            if (e.getValue() instanceof Map<?, ?> em && (live == null || live instanceof Map<?, ?>)) {
                compare(path, cast(em), live == null ? Map.of() : cast((Map<?, ?>) live), out);
            } else if (!sameValue(e.getValue(), live)) {
                out.add(new Difference(path, e.getValue(), live));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** Numbers compare by value (200 equals 200.0 equals "200"), booleans equal their text. */
    public static boolean sameValue(Object expected, Object actual) {
        return normalize(expected).equals(normalize(actual));
    }

    private static Object normalize(Object v) {
        if (v == null) return "<null>";
        if (v instanceof Number n) return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        if (v instanceof Boolean b) return b.toString();
        if (v instanceof String s && s.matches("-?\\d+(\\.\\d+)?")) return new BigDecimal(s).stripTrailingZeros().toPlainString();
        if (v instanceof List<?> l) return l.stream().map(Differ::normalize).toList();
        if (v instanceof Set<?> s) return s.stream().map(Differ::normalize).collect(java.util.stream.Collectors.toSet());
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> n = new java.util.TreeMap<>();
            m.forEach((k, val) -> n.put(String.valueOf(k), normalize(val)));
            return n;
        }
        return v;
    }
}
