package com.qualisys.controlplane.cdk.permissions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * IAM's evaluation of identity-based policies for one request, offline: an explicit Deny wins,
 * then any Allow, else the implicit deny; Action/NotAction (wildcards, case-insensitive),
 * Resource/NotResource (wildcards), and conditions with the String/Arn/Bool/Null operators, their
 * IfExists and ForAnyValue/ForAllValues forms. A condition key is evaluated when the recorded call
 * carries it or when the recorder always knows it (request tags, the resource's tags where it
 * looked them up, iam:PassedToService, ...); any other key cannot be evaluated offline: the
 * statement is taken to apply and the key is reported in {@link Decision#unevaluated()}.
 */
public final class PolicyEvaluator {
    /** Action and resource patterns, compiled once: see {@link #glob}. */
    private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();
    private static final Map<String, Pattern> CASE_INSENSITIVE_GLOBS = new ConcurrentHashMap<>();

    /** A statement with its single values turned into lists, and where it came from. */
    public record Statement(String source, String sid, boolean allow, List<String> actions, List<String> notActions,
                            List<String> resources, List<String> notResources,
                            Map<String, Map<String, List<String>>> conditions) {}

    public record Request(String action, String resource, Map<String, List<String>> context) {}

    public enum Outcome { ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED }

    /** The outcome, the statements that decided it, and the condition keys taken on trust. */
    public record Decision(Outcome outcome, List<Statement> deciding, List<String> unevaluated) {
        public boolean allowed() {
            return outcome == Outcome.ALLOWED;
        }
    }

    /** Keys the recorder always sets when they apply: absent from a call means absent from the request. */
    private static final List<String> ALWAYS_KNOWN_PREFIXES = List.of("aws:RequestTag/", "aws:TagKeys", "iam:PassedToService",
            "iam:PolicyARN", "iam:AWSServiceName", "iam:PermissionsBoundary", "ec2:CreateAction", "s3:prefix");
    /** Resource tags are looked up for these services' resources (EC2, KMS keys, IAM roles). */
    private static final Set<String> RESOURCE_TAGS_LOOKED_UP = Set.of("ec2", "kms", "iam");

    private PolicyEvaluator() {}

    public static Decision evaluate(List<Statement> statements, Request request) {
        List<String> unevaluated = new ArrayList<>();
        List<Statement> allows = new ArrayList<>();
        List<Statement> denies = new ArrayList<>();
        for (Statement s : statements) {
            if (!matchesAction(s, request.action()) || !matchesResource(s, request.resource())) continue;
            List<String> trusted = new ArrayList<>();
            if (!conditionsHold(s, request, trusted)) continue;
            trusted.forEach(k -> unevaluated.add(k + " (" + s.source() + (s.sid() == null ? "" : " " + s.sid()) + ")"));
            (s.allow() ? allows : denies).add(s);
        }
        if (!denies.isEmpty()) return new Decision(Outcome.EXPLICITLY_DENIED, denies, unevaluated);
        if (!allows.isEmpty()) return new Decision(Outcome.ALLOWED, allows, unevaluated);
        return new Decision(Outcome.IMPLICITLY_DENIED, List.of(), unevaluated);
    }

    public static boolean matchesAction(Statement s, String action) {
        if (!s.actions().isEmpty()) return anyGlob(s.actions(), action, true);
        return !s.notActions().isEmpty() && !anyGlob(s.notActions(), action, true);
    }

    static boolean matchesResource(Statement s, String resource) {
        if (!s.resources().isEmpty()) return anyGlob(s.resources(), resource, false);
        return !s.notResources().isEmpty() && !anyGlob(s.notResources(), resource, false);
    }

    private static boolean conditionsHold(Statement s, Request request, List<String> trusted) {
        for (var byOperator : s.conditions().entrySet()) {
            for (var byKey : byOperator.getValue().entrySet()) {
                String key = byKey.getKey();
                List<String> values = request.context().get(key);
                if (values == null && !known(key, request)) {
                    trusted.add(byOperator.getKey() + " " + key);
                    continue;
                }
                if (!holds(byOperator.getKey(), values, byKey.getValue())) return false;
            }
        }
        return true;
    }

    private static boolean known(String key, Request request) {
        for (String p : ALWAYS_KNOWN_PREFIXES) if (key.startsWith(p)) return true;
        if (key.startsWith("aws:ResourceTag/")) {
            String[] arn = request.resource().split(":", 4);
            return arn.length > 2 && RESOURCE_TAGS_LOOKED_UP.contains(arn[2]);
        }
        return false;
    }

    /** One operator on the request's values (null: the key is absent). */
    static boolean holds(String operator, List<String> values, List<String> expected) {
        String op = operator;
        boolean ifExists = op.endsWith("IfExists");
        if (ifExists) op = op.substring(0, op.length() - "IfExists".length());
        if (op.equals("Null")) {
            boolean wantAbsent = expected.stream().anyMatch(v -> v.equalsIgnoreCase("true"));
            return wantAbsent == (values == null);
        }
        if (values == null) return ifExists || op.startsWith("ForAllValues:") || op.contains("Not");
        boolean forAll = op.startsWith("ForAllValues:");
        boolean forAny = op.startsWith("ForAnyValue:");
        if (forAll || forAny) op = op.substring(op.indexOf(':') + 1);
        boolean negated = op.contains("Not");
        String base = op.replace("Not", "");
        final String baseOp = base;
        java.util.function.Predicate<String> matchesOne = v -> expected.stream().anyMatch(e -> compare(baseOp, v, e));
        if (forAll) return values.stream().allMatch(v -> negated != matchesOne.test(v));
        if (negated) return values.stream().noneMatch(matchesOne);
        return values.stream().anyMatch(matchesOne);
    }

    private static boolean compare(String op, String actual, String expected) {
        return switch (op) {
            case "StringEquals", "ArnEquals" -> actual.equals(expected);
            case "StringEqualsIgnoreCase" -> actual.equalsIgnoreCase(expected);
            case "StringLike", "ArnLike" -> glob(expected, false).matcher(actual).matches();
            case "Bool" -> actual.equalsIgnoreCase(expected);
            default -> throw new IllegalArgumentException("condition operator " + op + " is not evaluated offline: add it to PolicyEvaluator");
        };
    }

    static boolean anyGlob(List<String> patterns, String value, boolean ignoreCase) {
        for (String p : patterns) if (glob(p, ignoreCase).matcher(value).matches()) return true;
        return false;
    }

    /**
     * The policies hold a few hundred distinct patterns and the inventory matches them millions of times:
     * compiling each once took the inventory from most of its time in {@code Pattern.compile} to none.
     */
    static Pattern glob(String pattern, boolean ignoreCase) {
        return (ignoreCase ? CASE_INSENSITIVE_GLOBS : GLOBS).computeIfAbsent(pattern, p -> {
            String regex = ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            return ignoreCase ? Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL) : Pattern.compile(regex, Pattern.DOTALL);
        });
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
