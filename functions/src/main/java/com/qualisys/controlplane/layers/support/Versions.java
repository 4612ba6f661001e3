package com.qualisys.controlplane.layers.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Version strings like "1.29" or "15.4", compared part by part; pure. */
public final class Versions {
    private Versions() {}

    /**
     * The offered version closest to the wanted one: nearest on the first part, then the next,
     * and so on; on a tie the newer one (an upgrade is the way forward, a downgrade rarely is).
     */
    public static Optional<String> nearest(String wanted, Collection<String> offered) {
        List<Integer> w = parts(wanted);
        return offered.stream().min(Comparator.<String, List<Integer>>comparing(v -> distance(w, parts(v)), Versions::compareParts)
                .thenComparing(((Comparator<String>) Versions::compare).reversed()));
    }

    public static int compare(String a, String b) {
        return compareParts(parts(a), parts(b));
    }

    /** Offered versions sorted oldest first, for messages. */
    public static List<String> sorted(Collection<String> versions) {
        return versions.stream().distinct().sorted(Versions::compare).toList();
    }

    /** The first part of a PostgreSQL version ("15" of "15.4"). */
    public static String major(String version) {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    private static List<Integer> distance(List<Integer> a, List<Integer> b) {
        List<Integer> d = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            d.add(Math.abs(at(a, i) - at(b, i)));
        }
        return d;
    }

    private static int compareParts(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int c = Integer.compare(at(a, i), at(b, i));
            if (c != 0) return c;
        }
        return 0;
    }

    private static int at(List<Integer> parts, int i) {
        return i < parts.size() ? parts.get(i) : 0;
    }

    static List<Integer> parts(String version) {
        List<Integer> parts = new ArrayList<>();
        for (String p : version.split("\\.")) {
            String digits = p.replaceAll("\\D.*$", "");
            parts.add(digits.isEmpty() ? 0 : Integer.parseInt(digits));
        }
        return parts;
    }
}
