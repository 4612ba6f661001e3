package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.ManagedKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a drift check of the VPC layer costs, per resource type: API calls and time, as ratios
 * against a baseline measured in the same run (one bare DescribeVpcs call), so that the figures
 * mean the same on a slow and a fast machine. Against moto on loopback; not part of the build
 * (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions test -Dtest=VpcDriftBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class VpcDriftBenchmark {
    private static final int ROUNDS = 15;
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    /** Reads AWS offers no batch form for: the VPC's DNS settings, the role's inline policy. */
    private static final java.util.Set<String> PER_RESOURCE_READS = java.util.Set.of("Ec2.DescribeVpcAttribute", "Iam.GetRolePolicy");

    @Test
    void driftCheckCostPerResourceType() {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
            for (int i = 0; i < 3; i++) new Reconciler(SPEC, aws, List.of(new VpcLayer())).plan("vpc"); // warm-up

            double baseline = medianMillis(() -> aws.ec2().describeVpcs());
            List<String> rows = new ArrayList<>();
            rows.add(String.format("%-20s %6s %10s %12s", "resource type", "calls", "ms", "x baseline"));
            rows.add(String.format("%-20s %6d %10.2f %12.1f", "baseline DescribeVpcs", 1, baseline, 1.0));

            Reconciler reconciler = new Reconciler(SPEC, aws, List.of(new VpcLayer()));
            reconciler.plan("vpc"); // fills the index, as observe's first step does for every kind
            LayerContext ctx = reconciler.context();
            int totalCalls = 0;
            for (ManagedKind<?> kind : kinds()) {
                aws.calls().reset();
                int instances = observeOnce(kind, ctx);
                int calls = aws.calls().total();
                Map<String, Integer> ops = aws.calls().byOperation();
                totalCalls += calls;
                double ms = medianMillis(() -> observeOnce(kind, ctx));
                rows.add(String.format("%-20s %6d %10.2f %12.1f   %d found; %s", kind.kind().name(), calls, ms, ms / baseline, instances, ops));
                Map<String, Integer> listing = new java.util.TreeMap<>(ops);
                listing.keySet().removeAll(PER_RESOURCE_READS);
                assertThat(listing).as(kind.kind().name() + " is listed with one call").hasSize(1).containsValue(1);
            }
            aws.calls().reset();
            Plan drift = new Reconciler(SPEC, aws, List.of(new VpcLayer())).plan("vpc");
            int driftCalls = aws.calls().total();
            double driftMs = medianMillis(() -> new Reconciler(SPEC, aws, List.of(new VpcLayer())).plan("vpc"));
            rows.add(String.format("%-20s %6d %10.2f %12.1f   (%d resources, %d changes)", "whole drift check", driftCalls, driftMs,
                    driftMs / baseline, new VpcLayer().desired(SPEC).size(), drift.changes().size()));
            System.out.println("\nVPC layer drift check, moto " + moto.endpoint() + ", median of " + ROUNDS + " rounds\n"
                    + String.join("\n", rows) + "\n");
            assertThat(drift.changes()).isEmpty();
            assertThat(driftCalls).isEqualTo(totalCalls);
        }
    }

    private static List<ManagedKind<?>> kinds() {
        return List.of(new Vpcs(), new Subnets(), new InternetGateways(), new ElasticIps(), new NatGateways(), new RouteTables(),
                new SecurityGroups(), new NetworkAcls(), new FlowLogGroups(), new com.qualisys.controlplane.iam.RoleKind(VpcIds.LAYER + "/iam-role/", VpcDesiredState::of), new FlowLogs(),
                new DbSubnetGroups(), new CacheSubnetGroups());
    }

    private static <T> int observeOnce(ManagedKind<T> kind, LayerContext ctx) {
        int found = 0;
        for (T item : kind.list(ctx)) {
            if (kind.logicalId(item, ctx) == null) continue;
            kind.attributes(item, ctx);
            found++;
        }
        return found;
    }

    private static double medianMillis(Runnable r) {
        double[] samples = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long start = System.nanoTime();
            r.run();
            samples[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(samples);
        return samples[ROUNDS / 2];
    }
}
