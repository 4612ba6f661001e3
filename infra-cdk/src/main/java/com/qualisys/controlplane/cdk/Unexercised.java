package com.qualisys.controlplane.cdk;

import java.util.Map;
import java.util.TreeMap;

/**
 * Grants that no test's recorded calls exercise, each with the reason it is kept, declared next to
 * the grant. The permission inventory (infra-cdk's PermissionInventoryTest) fails on every other
 * granted action that no recorded call needed: remove the grant, or say here why it stays.
 */
public final class Unexercised {
    private static final Map<String, String> REASONS = new TreeMap<>();

    private Unexercised() {}

    /**
     * Records why these actions are granted although the tests' code paths never call them, and answers
     * them, so the reason can stand inside the grant: {@code allow(Unexercised.because("why", "a:B"), ...)}.
     */
    static synchronized java.util.List<String> because(String reason, String... actions) {
        for (String a : actions) REASONS.put(a, reason);
        return java.util.List.of(actions);
    }

    /** Action (as granted) → why it is kept. */
    public static synchronized Map<String, String> reasons() {
        return Map.copyOf(REASONS);
    }
}
