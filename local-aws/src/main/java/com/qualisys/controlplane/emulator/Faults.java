package com.qualisys.controlplane.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Faults the front door injects, chosen per operation ("Ec2.CreateVpc", "Eks.CreateCluster": the
 * SDK's service and operation names): throttling (HTTP 429, the SDK backs off and retries), a
 * server error (HTTP 500/503), a slow answer, and a lost response — the call is carried out, then
 * its answer is replaced by a 500, as when a connection drops after AWS acted; the SDK retries
 * unless told otherwise, which is where creates without a client token would duplicate.
 *
 * <p>A fault hits a request once: the first time that request (operation, path and body) arrives.
 * Its retries, and the same request sent again by a later run, get through, as after a transient
 * failure in AWS; a request that differs (another resource, another client token) is hit again.
 */
public final class Faults {
    public enum Kind { THROTTLING, SERVER_ERROR, SLOW, LOST_RESPONSE }

    /** One rule: which operations, which fault, and for SLOW how long. */
    public record Rule(String description, Predicate<String> operation, Kind kind, Duration delay) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<String> hitRequests = ConcurrentHashMap.newKeySet();
    private final List<String> injected = new CopyOnWriteArrayList<>();

    /** Every call of these operations (exact names) gets this fault on its first attempt. */
    public Faults on(Kind kind, String... operations) {
        Set<String> names = Set.of(operations);
        rules.add(new Rule(kind + " on " + names, names::contains, kind, Duration.ZERO));
        return this;
    }

    /** Every call whose operation matches gets this fault on its first attempt. */
    public Faults on(Kind kind, String description, Predicate<String> operation) {
        rules.add(new Rule(kind + " on " + description, operation, kind, Duration.ZERO));
        return this;
    }

    /** Answers of these operations come this much later. */
    public Faults slow(Duration delay, String... operations) {
        Set<String> names = Set.of(operations);
        rules.add(new Rule("SLOW " + delay.toMillis() + " ms on " + names, names::contains, Kind.SLOW, delay));
        return this;
    }

    /** Operations that create something: Create*, Run*, Allocate* (the lost-response case that could duplicate). */
    public static boolean isCreate(String operation) {
        String op = operation.contains(".") ? operation.substring(operation.indexOf('.') + 1) : operation;
        return op.startsWith("Create") || op.startsWith("Run") || op.startsWith("Allocate");
    }

    public void clear() {
        rules.clear();
        hitRequests.clear();
        injected.clear();
    }

    /** The faults injected so far, "LOST_RESPONSE Ec2.CreateVpc", in order. */
    public List<String> injected() {
        return List.copyOf(injected);
    }

    /** The fault for this request, if any; a request (its identity: operation, path, body) is hit once. */
    Rule decide(String operation, String requestIdentity) {
        if (operation == null || rules.isEmpty()) return null;
        for (Rule r : rules) {
            if (!r.operation().test(operation)) continue;
            if (r.kind() != Kind.SLOW && !hitRequests.add(r.kind() + "/" + operation + "/" + requestIdentity)) return null;
            injected.add(r.kind() + " " + operation);
            return r;
        }
        return null;
    }

    @Override
    public String toString() {
        List<String> d = new ArrayList<>();
        rules.forEach(r -> d.add(r.description()));
        return String.join("; ", d);
    }
}
