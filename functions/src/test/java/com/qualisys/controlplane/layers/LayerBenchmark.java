package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import com.qualisys.controlplane.testing.Timings;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What each layer costs on the local AWS, from an empty account: the first apply, a second (no-op)
 * apply and a drift check, each in time and in API calls (total, mutating, by operation). Every
 * repetition starts from a moto reset and measures its own baseline (the median of bare
 * sts:GetCallerIdentity round trips to the same endpoint), and every time is also reported as a
 * ratio to that baseline: the ratios mean the same on a slow and a fast machine, the milliseconds
 * do not. Nothing is asserted about time.
 *
 * <p>It fails when a drift check makes a mutating call, when the second apply does, when a drift
 * check right after apply finds drift, or when a drift check makes more calls than the layer's
 * observe code claims ({@link #claims}): one paginated list per resource type, plus the
 * per-resource reads AWS has no batch form for.
 *
 * <p>The kubernetes layer is left out: it needs a kube-apiserver, helm and an EKS cluster to
 * connect through (its own harness, local-aws emulator/KubeApiServer); see docs/benchmarks.md.
 *
 * <p>Not part of the build (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions test -Dtest=LayerBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dqualisys.bench.repetitions=N}, default 5, after one unrecorded warm-up repetition).
 */
class LayerBenchmark {
    private static final int REPETITIONS = Integer.getInteger("qualisys.bench.repetitions", 5);
    /** Unrecorded first repetitions: class loading and the JIT (a cold JVM is ColdStartBenchmark's subject). */
    private static final int WARMUP_REPETITIONS = 1;
    private static final int BASELINE_WARMUP = 5;
    private static final int BASELINE_CALLS = 25;
    /** The Cost Anomaly Detection stub pages one item at a time (so callers must follow NextPageToken); AWS pages up to 100. */
    private static final int ANOMALY_STUB_PAGE_SIZE = 1;
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");

    enum Phase {
        APPLY("apply (empty)"), REAPPLY("second apply"), DRIFT("drift check");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** One measured run: wall time, the repetition's baseline, and the API calls it made. */
    record Run(double millis, double baselineMillis, Map<String, Integer> byOperation, int mutating) {
        int total() {
            return byOperation.values().stream().mapToInt(Integer::intValue).sum();
        }

        double ratio() {
            return millis / baselineMillis;
        }
    }

    @Test
    void applyReapplyAndDriftCheckOfEveryLayer() {
        LocalAws local = LocalAws.shared();
        List<Layer> layers = Layers.all().stream().filter(l -> !l.name().equals("kubernetes")).toList();
        Map<String, Map<Phase, List<Run>>> runs = new LinkedHashMap<>();
        List<Double> baselines = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, CallClaim> claims = claims(layers);

        for (int rep = 0; rep < WARMUP_REPETITIONS + REPETITIONS; rep++) {
            if (rep == WARMUP_REPETITIONS) {
                runs.clear();
                baselines.clear();
            }
            local.reset();
            try (AwsClients aws = local.clients()) {
                for (int i = 0; i < BASELINE_WARMUP; i++) aws.sts().getCallerIdentity();
                double baseline = Timings.repeat(BASELINE_CALLS, () -> aws.sts().getCallerIdentity()).median();
                baselines.add(baseline);
                for (Layer layer : layers) {
                    String name = layer.name();
                    Map<Phase, List<Run>> byPhase = runs.computeIfAbsent(name, k -> new EnumMap<>(Phase.class));
                    // A fresh Reconciler per phase, as each handler invocation makes one; the clients stay, as in a warm Lambda.
                    record(byPhase, Phase.APPLY, measure(aws, baseline, () -> new Reconciler(SPEC, aws, layers).apply(name, false)));
                    Run reapply = measure(aws, baseline, () -> new Reconciler(SPEC, aws, layers).apply(name, false));
                    record(byPhase, Phase.REAPPLY, reapply);
                    Plan[] drift = new Plan[1];
                    Run check = measure(aws, baseline, () -> drift[0] = new Reconciler(SPEC, aws, layers).plan(name));
                    record(byPhase, Phase.DRIFT, check);

                    if (reapply.mutating() > 0) failures.add(name + ": the second apply made mutating calls " + mutatingOnly(reapply));
                    if (check.mutating() > 0) failures.add(name + ": the drift check made mutating calls " + mutatingOnly(check));
                    if (!drift[0].changes().isEmpty()) failures.add(name + ": drift right after apply: " + drift[0].changes());
                    failures.addAll(claims.get(name).violations(name, check.byOperation()));
                }
            }
        }

        System.out.println(report(local.endpoint(), Timings.of(baselines), runs, claims));
        assertThat(failures).as("drift checks within their claimed calls, no mutating call where none belongs").isEmpty();
    }

    private static void record(Map<Phase, List<Run>> byPhase, Phase phase, Run run) {
        byPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(run);
    }

    private static Run measure(AwsClients aws, double baseline, Supplier<?> work) {
        aws.calls().reset();
        double ms = Timings.millis(work::get);
        return new Run(ms, baseline, aws.calls().byOperation(), aws.calls().mutating());
    }

    private static Map<String, Integer> mutatingOnly(Run run) {
        Map<String, Integer> m = new TreeMap<>(run.byOperation());
        m.keySet().removeIf(op -> !com.qualisys.controlplane.aws.ApiCallCounter.isMutating(op));
        return m;
    }

    /**
     * What each layer's observe code says a drift check costs, read from that code (keep them in
     * step): "once" is a list or describe of a whole resource type (one page here), "pages" one
     * call per page, "perResource" a read of one resource that AWS offers no batch form for, at
     * most once per resource the spec asks for. A call not named here is a violation too.
     */
    static Map<String, CallClaim> claims(List<Layer> layers) {
        Map<String, Map<String, List<DesiredResource>>> byKind = new LinkedHashMap<>();
        for (Layer l : layers) {
            Map<String, List<DesiredResource>> kinds = new TreeMap<>();
            l.desired(SPEC).forEach(d -> kinds.computeIfAbsent(d.kind().name(), k -> new ArrayList<>()).add(d));
            byKind.put(l.name(), kinds);
        }
        Map<String, CallClaim> claims = new LinkedHashMap<>();
        // AccountLayer.observe: the alias list.
        claims.put("account", new CallClaim().once("Iam.ListAccountAliases"));
        // IamLayer.observe: GetAccountAuthorizationDetails (roles and local policies) and ListRoles; the account id once per clients.
        claims.put("iam", new CallClaim().once("Iam.GetAccountAuthorizationDetails", "Iam.ListRoles").atMost("Sts.GetCallerIdentity", 1));
        // MonitoringLayer.observe: AlertTopic, CostBudgets, AnomalyMonitors, AnomalySubscriptions, TrailBucket, ManagementTrail.
        Map<String, List<DesiredResource>> m = byKind.get("monitoring");
        int topics = count(m, "sns-topic");
        int budgets = count(m, "budget");
        int notifications = m.getOrDefault("budget", List.of()).stream()
                .mapToInt(b -> ((List<?>) b.attribute("notifications")).size()).sum();
        int buckets = count(m, "s3-bucket");
        int trails = count(m, "cloudtrail-trail");
        claims.put("monitoring", new CallClaim()
                .once("Sns.ListTopics", "Budgets.DescribeBudgets", "S3.ListBuckets", "CloudTrail.DescribeTrails")
                .pages("CostExplorer.GetAnomalyMonitors", pages(count(m, "anomaly-monitor")))
                .pages("CostExplorer.GetAnomalySubscriptions", pages(count(m, "anomaly-subscription")))
                .perResource(topics, "Sns.GetTopicAttributes", "Sns.ListTagsForResource", "Sns.ListSubscriptionsByTopic")
                .perResource(budgets, "Budgets.DescribeNotificationsForBudget")
                .perResource(notifications, "Budgets.DescribeSubscribersForNotification")
                .perResource(buckets, "S3.GetBucketEncryption", "S3.GetPublicAccessBlock", "S3.GetBucketPolicy",
                        "S3.GetBucketLifecycleConfiguration", "S3.GetBucketTagging")
                .perResource(trails, "CloudTrail.GetTrailStatus", "CloudTrail.GetEventSelectors", "CloudTrail.ListTags")
                .atMost("Sts.GetCallerIdentity", 1));
        // VpcLayer: one paginated describe per kind (VpcKinds), two DescribeVpcAttribute per VPC, the flow-log role with the
        // account's roles (RoleKind: GetAccountAuthorizationDetails and ListRoles, whatever the number of roles).
        Map<String, List<DesiredResource>> v = byKind.get("vpc");
        claims.put("vpc", new CallClaim()
                .once("Ec2.DescribeVpcs", "Ec2.DescribeSubnets", "Ec2.DescribeInternetGateways", "Ec2.DescribeAddresses",
                        "Ec2.DescribeNatGateways", "Ec2.DescribeRouteTables", "Ec2.DescribeSecurityGroups", "Ec2.DescribeNetworkAcls",
                        "CloudWatchLogs.DescribeLogGroups", "Ec2.DescribeFlowLogs", "Rds.DescribeDBSubnetGroups",
                        "ElastiCache.DescribeCacheSubnetGroups")
                .perResource(2 * count(v, "vpc"), "Ec2.DescribeVpcAttribute")
                .once("Iam.GetAccountAuthorizationDetails", "Iam.ListRoles")
                .atMost("Sts.GetCallerIdentity", 1));
        return claims;
    }

    private static int count(Map<String, List<DesiredResource>> kinds, String kind) {
        return kinds.getOrDefault(kind, List.of()).size();
    }

    private static int pages(int items) {
        return Math.max(1, (items + ANOMALY_STUB_PAGE_SIZE - 1) / ANOMALY_STUB_PAGE_SIZE);
    }

    /** Calls a drift check may make: exact counts for whole-type lists, ceilings for per-resource reads. */
    static final class CallClaim {
        private final Map<String, Integer> exactly = new TreeMap<>();
        private final Map<String, Integer> atMost = new TreeMap<>();

        CallClaim once(String... operations) {
            for (String op : operations) exactly.put(op, 1);
            return this;
        }

        CallClaim pages(String operation, int pages) {
            exactly.put(operation, pages);
            return this;
        }

        CallClaim perResource(int resources, String... operations) {
            for (String op : operations) atMost.put(op, resources);
            return this;
        }

        CallClaim atMost(String operation, int calls) {
            atMost.put(operation, calls);
            return this;
        }

        List<String> violations(String layer, Map<String, Integer> calls) {
            List<String> out = new ArrayList<>();
            calls.forEach((op, n) -> {
                if (exactly.containsKey(op) && n != exactly.get(op).intValue()) {
                    out.add(layer + ": drift check called " + op + " " + n + " times; its observe code lists that type with "
                            + exactly.get(op) + " call(s)");
                } else if (atMost.containsKey(op) && n > atMost.get(op)) {
                    out.add(layer + ": drift check called " + op + " " + n + " times, more than once per resource (" + atMost.get(op) + ")");
                } else if (!exactly.containsKey(op) && !atMost.containsKey(op)) {
                    out.add(layer + ": drift check called " + op + " " + n + " times, a call its observe code does not claim");
                }
            });
            exactly.forEach((op, n) -> {
                if (!calls.containsKey(op)) out.add(layer + ": drift check never called " + op + " (claimed " + n + "): is the claim stale?");
            });
            return out;
        }

        String describe(String op) {
            if (exactly.containsKey(op)) return exactly.get(op) == 1 ? "once" : exactly.get(op) + " pages";
            if (atMost.containsKey(op)) return "<= " + atMost.get(op);
            return "NOT CLAIMED";
        }
    }

    private static String report(String endpoint, Timings baseline, Map<String, Map<Phase, List<Run>>> runs, Map<String, CallClaim> claims) {
        StringBuilder out = new StringBuilder();
        out.append("\nLayer benchmark: dev spec on LocalAws ").append(endpoint).append(" (moto + stubs), ").append(REPETITIONS)
                .append(" repetitions from a moto reset (after ")
                .append(WARMUP_REPETITIONS).append(" unrecorded); ").append(Runtime.getRuntime().availableProcessors()).append(" cores, load ")
                .append(String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append("\nbaseline: sts:GetCallerIdentity round trip, median of ").append(BASELINE_CALLS).append(" per repetition: ")
                .append(baseline.describe(2)).append(" ms (median (min..max) over repetitions)\n\n");
        out.append(String.format("%-11s %-14s %25s %22s %7s %9s%n", "layer", "phase", "ms median (min..max)", "x baseline (min..max)",
                "calls", "mutating"));
        runs.forEach((layer, byPhase) -> byPhase.forEach((phase, list) -> out.append(String.format("%-11s %-14s %25s %22s %7s %9s%n",
                layer, phase.label, Timings.of(list.stream().map(Run::millis).toList()).describe(0),
                Timings.of(list.stream().map(Run::ratio).toList()).describe(1),
                range(list.stream().map(Run::total).toList()), range(list.stream().map(Run::mutating).toList())))));
        out.append("\nDrift check, calls by operation (last repetition) against what the layer's observe code claims:\n");
        runs.forEach((layer, byPhase) -> {
            List<Run> drift = byPhase.get(Phase.DRIFT);
            out.append("  ").append(layer).append(":\n");
            drift.get(drift.size() - 1).byOperation().forEach((op, n) -> out.append(String.format("    %-45s %3d  (%s)%n", op, n,
                    claims.get(layer).describe(op))));
        });
        return out.toString();
    }

    private static String range(List<Integer> values) {
        int min = values.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = values.stream().mapToInt(Integer::intValue).max().orElse(0);
        return min == max ? Integer.toString(min) : min + ".." + max;
    }
}
