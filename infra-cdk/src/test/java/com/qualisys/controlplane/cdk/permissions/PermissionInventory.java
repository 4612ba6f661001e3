package com.qualisys.controlplane.cdk.permissions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The calls the functions' tests recorded (functions/target/iam-calls/*.jsonl, written by
 * PermissionRecorder), evaluated against the policies of the role each ran as.
 */
public final class PermissionInventory {
    /** One distinct recorded authorisation. */
    public record Call(String role, String function, String operation, String action, String resource,
                       Map<String, List<String>> context, String test) {
        public String describe() {
            return role + " " + action + " on " + resource + (context.isEmpty() ? "" : " " + context)
                    + " (" + operation + " in " + function + ", " + shortTest() + ")";
        }

        private String shortTest() {
            return test.isEmpty() ? "?" : test.substring(test.lastIndexOf('.') + 1);
        }
    }

    public record Result(List<String> denied, List<String> unevaluated, List<String> unattributed,
                         Map<String, Set<String>> exercised, Map<String, Set<String>> pairs) {}

    private PermissionInventory() {}

    public static List<Call> read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("no recorded calls in " + directory + ": the functions module's tests write them"
                    + " (run ./mvnw verify, or the functions tests first)");
        }
        ObjectMapper json = new ObjectMapper();
        Set<Call> calls = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) continue;
                    Map<String, Object> r = json.readValue(line, new TypeReference<>() {});
                    @SuppressWarnings("unchecked")
                    Map<String, List<String>> context = new TreeMap<>((Map<String, List<String>>) r.get("context"));
                    calls.add(new Call((String) r.get("role"), (String) r.get("function"), (String) r.get("operation"),
                            (String) r.get("action"), (String) r.get("resource"), context, (String) r.get("test")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(calls);
    }

    /** Every call against its role's policies (and boundary): what would be denied, and what each role used. */
    public static Result evaluate(List<Call> calls, RolePolicies policies) {
        return evaluate(calls, policies, null, null);
    }

    /**
     * With a spoke: a call its hub role does not allow is evaluated as the environment's execution role
     * (the role the hub's functions assume for their work in an environment account); it is denied only
     * when neither allows it.
     */
    public static Result evaluate(List<Call> calls, RolePolicies policies, RolePolicies spoke, String executionRole) {
        List<String> denied = new ArrayList<>();
        Set<String> unevaluated = new TreeSet<>();
        Set<String> unattributed = new TreeSet<>();
        Map<String, Set<String>> exercised = new TreeMap<>();
        Map<String, Set<String>> pairs = new TreeMap<>();
        for (Call c : calls) {
            if (!policies.hasRole(c.role())) {
                unattributed.add(c.describe());
                continue;
            }
            pairs.computeIfAbsent(c.role(), k -> new TreeSet<>()).add(c.action());
            PolicyEvaluator.Request request = inAccount(c, policies.account());
            PolicyEvaluator.Decision d = PolicyEvaluator.evaluate(policies.statements(c.role()), request);
            String asRole = c.role();
            if (!d.allowed() && spoke != null && spoke.hasRole(executionRole)) {
                PolicyEvaluator.Decision inSpoke = PolicyEvaluator.evaluate(spoke.statements(executionRole), request);
                if (inSpoke.allowed()) {
                    d = inSpoke;
                    asRole = executionRole;
                    pairs.computeIfAbsent(executionRole, k -> new TreeSet<>()).add(c.action());
                }
            }
            final String role = asRole;
            List<PolicyEvaluator.Statement> boundary = (role.equals(c.role()) ? policies : spoke).boundary(role);
            PolicyEvaluator.Decision b = boundary == null ? null : PolicyEvaluator.evaluate(boundary, request);
            d.unevaluated().forEach(u -> unevaluated.add(role + " " + c.action() + ": " + u));
            if (!d.allowed()) {
                denied.add(c.describe() + " → " + d.outcome()
                        + (d.outcome() == PolicyEvaluator.Outcome.EXPLICITLY_DENIED ? " by " + d.deciding().get(0).source() : ""));
                continue;
            }
            if (b != null && !b.allowed()) {
                denied.add(c.describe() + " → outside the permissions boundary (" + b.outcome() + ")");
                continue;
            }
            for (PolicyEvaluator.Statement s : d.deciding()) {
                for (String pattern : s.actions()) {
                    if (PolicyEvaluator.anyGlob(List.of(pattern), c.action(), true)) {
                        exercised.computeIfAbsent(role, k -> new TreeSet<>()).add(key(s, pattern));
                    }
                }
            }
        }
        return new Result(denied, List.copyOf(unevaluated), List.copyOf(unattributed), exercised, pairs);
    }

    /** Per role, the granted actions (as written in an Allow statement) no recorded call was allowed by. */
    public static Map<String, Set<String>> neverExercised(RolePolicies policies, Result result, Set<String> roles) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String role : roles) {
            Set<String> used = result.exercised().getOrDefault(role, Set.of());
            for (PolicyEvaluator.Statement s : policies.statements(role)) {
                if (!s.allow()) continue;
                for (String pattern : s.actions()) {
                    if (!used.contains(key(s, pattern))) out.computeIfAbsent(role, k -> new TreeSet<>()).add(pattern);
                }
            }
        }
        // An action exercised through another statement of the same role is still granted twice; keep it listed
        // only if no statement of the role had it exercised.
        out.forEach((role, actions) -> actions.removeIf(a -> result.exercised().getOrDefault(role, Set.of()).stream()
                .anyMatch(k -> k.endsWith("|" + a))));
        out.values().removeIf(Set::isEmpty);
        return out;
    }

    private static final java.util.regex.Pattern ACCOUNT_IN_ARN = java.util.regex.Pattern.compile("^(arn:[^:]+:[^:]+:[^:]*:)\\d{12}:");

    /**
     * The call as if made in the account the template is evaluated for: tests run in several emulated
     * accounts, each standing for an account the roles are deployed in.
     */
    static PolicyEvaluator.Request inAccount(Call c, String account) {
        Map<String, List<String>> context = new TreeMap<>();
        c.context().forEach((k, v) -> context.put(k, v.stream().map(x -> ACCOUNT_IN_ARN.matcher(x).replaceFirst("$1" + account + ":")).toList()));
        return new PolicyEvaluator.Request(c.action(), ACCOUNT_IN_ARN.matcher(c.resource()).replaceFirst("$1" + account + ":"), context);
    }

    private static String key(PolicyEvaluator.Statement s, String pattern) {
        return s.source() + "|" + pattern;
    }

    static Map<String, Object> summary(Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("distinct (role, action) pairs", r.pairs().values().stream().mapToInt(Set::size).sum());
        out.put("denied", r.denied().size());
        return out;
    }
}
