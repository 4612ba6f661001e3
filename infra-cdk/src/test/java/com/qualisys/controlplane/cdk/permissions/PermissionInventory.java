package com.qualisys.controlplane.cdk.permissions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.qualisys.controlplane.handlers.FunctionCatalog;
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
    public record Call(String role, String plane, String function, String operation, String action, String resource,
                       Map<String, List<String>> context, String test) {
        /** "environment": made with the clients of an environment's account, i.e. as the spoke's execution role. */
        public boolean inEnvironment() {
            return ENVIRONMENT.equals(plane);
        }

        public String describe() {
            return (inEnvironment() ? "(" + role + " →) " : "") + role + " " + action + " on " + resource
                    + (context.isEmpty() ? "" : " " + context) + " (" + operation + " in " + function + ", " + shortTest() + ")";
        }

        private String shortTest() {
            return test.isEmpty() ? "?" : test.substring(test.lastIndexOf('.') + 1);
        }
    }

    public record Result(List<String> denied, List<String> unevaluated, List<String> unattributed,
                         Map<String, Set<String>> exercised, Map<String, Set<String>> pairs) {}

    static final String ENVIRONMENT = "environment";
    /** The role the qualisys CLI's users act as (the CDK app's Operator); the recorder names the CLI's own calls so. */
    static final String OPERATOR = "qualisys-operator";

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
                    Call call = new Call((String) r.get("role"), (String) r.getOrDefault("plane", "hub"), (String) r.get("function"),
                            (String) r.get("operation"), (String) r.get("action"), (String) r.get("resource"), context,
                            (String) r.get("test"));
                    calls.add(call);
                    tagOnCreate(call).ifPresent(calls::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(calls);
    }

    /**
     * A create that carries tags is also authorised as the service's tagging action on the new resource
     * (IAM's TagRole for CreateRole with Tags, RDS's AddTagsToResource, ...): the call AWS checks beside it.
     * EC2's CreateTags is recorded as such by the recorder (with ec2:CreateAction).
     */
    private static final Map<String, String> TAG_ON_CREATE = Map.ofEntries(
            Map.entry("Iam.CreateRole", "iam:TagRole"), Map.entry("Iam.CreatePolicy", "iam:TagPolicy"),
            Map.entry("Iam.CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"),
            Map.entry("CloudWatchLogs.CreateLogGroup", "logs:TagResource"),
            Map.entry("SecretsManager.CreateSecret", "secretsmanager:TagResource"), Map.entry("Sns.CreateTopic", "sns:TagResource"),
            Map.entry("Eks.CreateCluster", "eks:TagResource"), Map.entry("Eks.CreateNodegroup", "eks:TagResource"),
            Map.entry("Eks.CreateAddon", "eks:TagResource"), Map.entry("ElastiCache.CreateCacheSubnetGroup", "elasticache:AddTagsToResource"),
            Map.entry("Kms.CreateKey", "kms:TagResource"), Map.entry("CloudTrail.CreateTrail", "cloudtrail:AddTags"),
            Map.entry("Budgets.CreateBudget", "budgets:TagResource"), Map.entry("CostExplorer.CreateAnomalyMonitor", "ce:TagResource"),
            Map.entry("CostExplorer.CreateAnomalySubscription", "ce:TagResource"), Map.entry("Rds.CreateDBInstance", "rds:AddTagsToResource"),
            Map.entry("Rds.CreateDBParameterGroup", "rds:AddTagsToResource"), Map.entry("Rds.CreateDBSubnetGroup", "rds:AddTagsToResource"));

    static java.util.Optional<Call> tagOnCreate(Call c) {
        String tagging = TAG_ON_CREATE.get(c.operation());
        if (tagging == null || !c.context().containsKey("aws:TagKeys") || c.action().equals(tagging)
                || c.action().equals("iam:PassRole")) return java.util.Optional.empty();
        return java.util.Optional.of(new Call(c.role(), c.plane(), c.function(), c.operation() + " (tags on create)", tagging,
                c.resource(), c.context(), c.test()));
    }

    /**
     * Every call against the policies (and boundary) of the role it runs as: a hub call ("hub" plane:
     * the control plane's own state, topics, bus) as its function's role in the hub template; an
     * environment call as the spoke's execution role, which its function's hub role must also be
     * allowed to assume. Without a spoke, environment calls are not evaluated (listed unattributed).
     */
    public static Result evaluate(List<Call> calls, RolePolicies hub, RolePolicies spoke, String executionRole) {
        return evaluate(calls, hub, spoke, List.of(), executionRole);
    }

    /**
     * As above; an environment call the first spoke (dev's) does not allow is also tried against the other
     * environments' spokes: the record does not say which environment a call worked in, and their grants name
     * their own resources (the per-environment trail bucket).
     */
    public static Result evaluate(List<Call> calls, RolePolicies hub, RolePolicies spoke, List<RolePolicies> otherSpokes,
                                  String executionRole) {
        List<String> denied = new ArrayList<>();
        Set<String> unevaluated = new TreeSet<>();
        Set<String> unattributed = new TreeSet<>();
        Map<String, Set<String>> exercised = new TreeMap<>();
        Map<String, Set<String>> pairs = new TreeMap<>();
        for (Call c : calls) {
            // A test that drives ControlPlane.aws(spec) itself assumes the execution role outside any function;
            // each function's right to assume it is checked with every environment call it makes.
            if (c.action().equals("sts:AssumeRole") && !hub.hasRole(c.role())) continue;
            // A function deployed in the environment's own account (the spoke's database functions) acts there as its
            // own role, whatever clients the test handed it: no hub role, no execution role.
            boolean ownRoleInSpoke = !hub.hasRole(c.role()) && spoke != null && spoke.hasRole(c.role());
            if (!ownRoleInSpoke && (!hub.hasRole(c.role()) || c.inEnvironment() && (spoke == null || !spoke.hasRole(executionRole)))) {
                unattributed.add(c.describe());
                continue;
            }
            RolePolicies policies = c.inEnvironment() || ownRoleInSpoke ? spoke : hub;
            if (c.inEnvironment() && !ownRoleInSpoke) {
                for (RolePolicies other : otherSpokes) {
                    if (PolicyEvaluator.evaluate(policies.statements(executionRole), inAccount(c, policies.account())).allowed()) break;
                    if (PolicyEvaluator.evaluate(other.statements(executionRole), inAccount(c, other.account())).allowed()) policies = other;
                }
            }
            String role = c.inEnvironment() && !ownRoleInSpoke ? executionRole : c.role();
            pairs.computeIfAbsent(role, k -> new TreeSet<>()).add(c.action());
            PolicyEvaluator.Request request = inAccount(c, policies.account());
            if (c.inEnvironment() && !ownRoleInSpoke) {
                PolicyEvaluator.Request assume = new PolicyEvaluator.Request("sts:AssumeRole",
                        spoke.roleArn(executionRole), Map.of());
                PolicyEvaluator.Decision reach = PolicyEvaluator.evaluate(hub.statements(c.role()), assume);
                if (!reach.allowed()) {
                    denied.add(c.describe() + " → " + c.role() + " may not assume " + executionRole + " (" + reach.outcome() + ")");
                    continue;
                }
                reach.deciding().forEach(s -> exercised.computeIfAbsent(c.role(), k -> new TreeSet<>()).add(key(s, "sts:AssumeRole")));
            }
            PolicyEvaluator.Decision d = PolicyEvaluator.evaluate(policies.statements(role), request);
            List<PolicyEvaluator.Statement> boundary = policies.boundary(role);
            PolicyEvaluator.Decision b = boundary == null ? null : PolicyEvaluator.evaluate(boundary, request);
            d.unevaluated().forEach(u -> unevaluated.add(role + " " + c.action() + ": " + u));
            if (!d.allowed()) {
                denied.add(c.describe() + " → " + (c.inEnvironment() ? "as " + role + ": " : "") + d.outcome()
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

    /**
     * Per role — every function's role, in the hub or (the database functions) in the spoke (the calls of code
     * are theirs; the state machines' and event rules' roles are used by AWS services) and the spoke's execution role —
     * the granted actions (as written in an Allow statement) no recorded call was allowed by.
     */
    public static Map<String, Set<String>> neverExercised(RolePolicies hub, RolePolicies spoke, String executionRole, Result result) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (hub.hasRole(f.roleName())) out.putAll(neverExercised(hub, f.roleName(), result));
            else if (spoke != null && spoke.hasRole(f.roleName())) out.putAll(neverExercised(spoke, f.roleName(), result));
        }
        if (hub.hasRole(OPERATOR)) out.putAll(neverExercised(hub, OPERATOR, result));
        if (spoke != null && spoke.hasRole(executionRole)) out.putAll(neverExercised(spoke, executionRole, result));
        return out;
    }

    private static Map<String, Set<String>> neverExercised(RolePolicies policies, String role, Result result) {
        Set<String> used = result.exercised().getOrDefault(role, Set.of());
        Set<String> unused = new TreeSet<>();
        for (PolicyEvaluator.Statement s : policies.statements(role)) {
            if (!s.allow()) continue;
            for (String pattern : s.actions()) {
                if (!used.contains(key(s, pattern))) unused.add(pattern);
            }
        }
        // An action granted by two statements counts as exercised when a call used either.
        unused.removeIf(a -> used.stream().anyMatch(k -> k.endsWith("|" + a)));
        return unused.isEmpty() ? Map.of() : Map.of(role, unused);
    }

    /** The human-readable inventory of one hub template with the spoke. */
    static String report(String name, Result result, RolePolicies hub, RolePolicies spoke, String executionRole,
                         Map<String, String> reasons) {
        StringBuilder report = new StringBuilder();
        report.append("== ").append(name).append('\n')
                .append("distinct (role, action) pairs: ").append(result.pairs().values().stream().mapToInt(Set::size).sum()).append('\n');
        result.pairs().forEach((role, actions) -> report.append("  ").append(role).append(": ").append(actions).append('\n'));
        report.append("denied: ").append(result.denied().size()).append('\n');
        result.denied().forEach(d -> report.append("  ").append(d).append('\n'));
        report.append("conditions not evaluable offline (taken to hold):\n");
        result.unevaluated().forEach(u -> report.append("  ").append(u).append('\n'));
        hub.notEvaluable().forEach(u -> report.append("  ").append(u).append('\n'));
        report.append("calls of main code no function entry point covers:\n");
        result.unattributed().forEach(u -> report.append("  ").append(u).append('\n'));
        report.append("granted, never exercised by a recorded call (why kept, from Unexercised.because next to the grant):\n");
        Map<String, Set<String>> unused = neverExercised(hub, spoke, executionRole, result);
        unused.forEach((role, actions) -> {
            report.append("  ").append(role).append(":\n");
            actions.forEach(a -> report.append("    ").append(a).append(" — ")
                    .append(reasons.getOrDefault(a, "NO REASON GIVEN: justify it next to the grant, or remove it")).append('\n'));
        });
        report.append("granted, never exercised: ").append(unused.values().stream().mapToInt(Set::size).sum())
                .append(", of which unjustified: ").append(unused.values().stream().flatMap(Set::stream)
                        .filter(a -> !reasons.containsKey(a)).count()).append('\n');
        return report.toString();
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
