package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How one change reads in a terminal, Terraform-style (pure): {@code old -> new} per attribute, set-valued
 * attributes (rules, policies, subscriptions) element by element with {@code +}/{@code -}, a create's
 * attributes, references as the logical id they name rather than {@code ref:…}, and whether the change
 * widens access. Lines are what apply would do: {@code +} is added, {@code -} is removed.
 */
public final class DiffView {
    private static final String REF = "ref:";

    private DiffView() {}

    /** One line of a change's body; kind says how to colour it. */
    public record Line(LineKind kind, String text) {}

    public enum LineKind { ADDED, REMOVED, CHANGED }

    public static List<Line> lines(Change change, Function<Object, String> show) {
        return lines(change, show, Map.of());
    }

    /**
     * The change's lines with each reference shown as the live physical id it resolves to
     * ({@code sg-0abc (vpc/security-group/k8s-nodes)}); references holds those ids by logical id
     * ({@link Plan#references()}), and a reference without one reads "(known after apply)".
     */
    public static List<Line> lines(Change change, Function<Object, String> show, Map<String, String> references) {
        List<Line> out = new ArrayList<>();
        if (change.action() == Action.DELETE) return out;
        Function<Object, String> shown = v -> show.apply(resolved(v, references));
        for (Difference d : change.differences()) {
            String forcing = change.forcesReplacement().contains(d.path()) ? "  # forces replacement" : "";
            if (change.action() == Action.CREATE) {
                out.add(new Line(LineKind.ADDED, "+ " + d.path() + " = " + shown.apply(d.expected())));
            } else if (isSet(d.expected()) || isSet(d.actual())) {
                Collection<?> want = set(d.expected());
                Collection<?> live = set(d.actual());
                out.add(new Line(LineKind.CHANGED, "~ " + d.path() + ":" + forcing));
                for (Object e : live) if (!containsSame(want, e)) out.add(new Line(LineKind.REMOVED, "    - " + shown.apply(e)));
                for (Object e : want) if (!containsSame(live, e)) out.add(new Line(LineKind.ADDED, "    + " + shown.apply(e)));
            } else {
                out.add(new Line(LineKind.CHANGED, "~ " + d.path() + ": " + shown.apply(d.actual()) + " -> "
                        + shown.apply(d.expected()) + forcing));
            }
        }
        return out;
    }

    /**
     * The change as one short item per attribute or set element it changes ({@code ingress - tcp:22:0.0.0.0/0},
     * {@code scaling.maxSize: 5 -> 10}), references resolved: what a notification lists as repaired.
     */
    public static List<String> items(Change change, Map<String, String> references) {
        List<String> out = new ArrayList<>();
        String attribute = null;
        for (Line line : lines(change, String::valueOf, references)) {
            String text = line.text().strip();
            if (text.startsWith("~ ") && text.endsWith(":")) {
                attribute = text.substring(2, text.length() - 1);
            } else if (line.text().startsWith("    ") && attribute != null) {
                out.add(attribute + " " + text);
            } else {
                attribute = null;
                out.add(text.substring(2));
            }
        }
        return out;
    }

    /**
     * Whether the change widens access: in a plan, whether applying it opens something (an ingress from
     * anywhere, a wildcard principal or action, public access); in a drift report, whether the live state
     * is open where the spec is not (what was widened outside the control plane).
     */
    public static boolean widensAccess(Change change, boolean drift) {
        if (change.action() == Action.DELETE) return false;
        for (Difference d : change.differences()) {
            if (!isAccessAttribute(d.path())) continue;
            Object opened = drift ? d.actual() : d.expected();
            Object other = drift ? d.expected() : d.actual();
            if (change.action() == Action.CREATE && !drift) other = null;
            if (isSet(opened) || isSet(other)) {
                Collection<?> other2 = set(other);
                for (Object e : set(opened)) if (!containsSame(other2, e) && isOpen(e)) return true;
            } else if (isPublicFlag(d.path()) && truthy(opened) && !truthy(other)) {
                return true;
            } else if (isOpen(opened) && !isOpen(other)) {
                return true;
            }
        }
        return false;
    }

    /** A value open to everyone: a CIDR of the whole internet, a wildcard principal or action. */
    static boolean isOpen(Object value) {
        if (value == null) return false;
        String s = value instanceof String str ? str : String.valueOf(value);
        String compact = s.replace(" ", "");
        return compact.contains("0.0.0.0/0") || compact.contains("::/0") || compact.contains("\"Principal\":\"*\"")
                || compact.contains("\"AWS\":\"*\"") || compact.contains("\"Action\":\"*\"") || compact.contains("Principal={AWS=*}");
    }

    /** Attributes that grant access (rules, policies, trust, public flags), not routes or tags. */
    private static boolean isAccessAttribute(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.contains("ingress") || p.contains("inbound") || p.contains("polic") || p.contains("trust")
                || p.contains("principal") || p.contains("public") || p.contains("grant") || p.contains("permission");
    }

    private static boolean isPublicFlag(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.contains("public") && !p.contains("block");
    }

    private static boolean truthy(Object v) {
        return v != null && Boolean.parseBoolean(String.valueOf(v));
    }

    private static boolean isSet(Object v) {
        return v instanceof Collection<?>;
    }

    private static Collection<?> set(Object v) {
        return v instanceof Collection<?> c ? c : List.of();
    }

    private static boolean containsSame(Collection<?> values, Object e) {
        for (Object v : values) if (Differ.sameValue(v, e)) return true;
        return false;
    }

    /**
     * References read as what they resolve to: {@code 0.0.0.0/0 -> ref:vpc/nat-gateway/a} → {@code 0.0.0.0/0 ->
     * nat-0abc (vpc/nat-gateway/a)} when the live id is known, {@code … -> vpc/nat-gateway/a (known after apply)}
     * when the plan creates or replaces it. Values in maps and lists are resolved element by element.
     */
    public static Object resolved(Object value, Map<String, String> references) {
        if (value instanceof String s) {
            int at = s.indexOf(REF);
            if (at < 0) return s;
            // A ref runs to the end of the string (DesiredResource's encoding).
            String id = s.substring(at + REF.length());
            String physical = references.get(id);
            return s.substring(0, at) + (physical == null ? id + " (known after apply)" : physical + " (" + id + ")");
        }
        if (value instanceof List<?> l) return l.stream().map(v -> resolved(v, references)).toList();
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, resolved(v, references)));
            return out;
        }
        return value;
    }
}
