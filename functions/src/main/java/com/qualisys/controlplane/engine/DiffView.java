package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
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
        List<Line> out = new ArrayList<>();
        if (change.action() == Action.DELETE) return out;
        for (Difference d : change.differences()) {
            if (change.action() == Action.CREATE) {
                out.add(new Line(LineKind.ADDED, "+ " + d.path() + " = " + show.apply(resolved(d.expected()))));
            } else if (isSet(d.expected()) || isSet(d.actual())) {
                Collection<?> want = set(d.expected());
                Collection<?> live = set(d.actual());
                out.add(new Line(LineKind.CHANGED, "~ " + d.path() + ":"));
                for (Object e : live) if (!containsSame(want, e)) out.add(new Line(LineKind.REMOVED, "    - " + show.apply(resolved(e))));
                for (Object e : want) if (!containsSame(live, e)) out.add(new Line(LineKind.ADDED, "    + " + show.apply(resolved(e))));
            } else {
                out.add(new Line(LineKind.CHANGED, "~ " + d.path() + ": " + show.apply(resolved(d.actual())) + " -> "
                        + show.apply(resolved(d.expected()))));
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

    /** References read as the logical id they name: {@code tcp:5432:ref:vpc/security-group/k8s-nodes} → {@code tcp:5432:vpc/security-group/k8s-nodes}. */
    static Object resolved(Object value) {
        if (value instanceof String s) return s.replace(REF, "");
        if (value instanceof List<?> l) return l.stream().map(DiffView::resolved).toList();
        return value;
    }
}
