package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.ApiCallCounter;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.CrashAfterCarriedOut;
import com.qualisys.controlplane.testing.TestSpecs;
import software.amazon.awssdk.services.eks.model.LogType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Crashes while AWS is still at work: the cluster, its node groups and the DB instance are held in
 * their documented transitional statuses (CREATING, "creating") by the emulator's stubs. A run is
 * killed after its k-th mutating call, for every k of the first (held) apply; the recovery run is
 * killed too, after its first mutating call; one more run while still creating; then AWS finishes
 * and the readiness loop's applies complete the layer. Afterwards: no drift, a further apply
 * changes nothing, and the account holds exactly what a fault-free apply makes, counted type by
 * type ({@link ResourceCensus}).
 */
class CrashWhileCreatingTest {
    private static final int MAX_ROUNDS = 6;
    private final EnvironmentSpec spec = TestSpecs.load("dev");

    /** What is held, and how it is let go. */
    private record Held(String layer, Supplier<Layer> factory, Runnable hold, Runnable release) {}

    private static final Held EKS = new Held("eks", EksLayer::new, () -> {
        EmulatedAccount.local().eks().holdCluster("qualisys-eks", "CREATING");
        EmulatedAccount.local().eks().holdNodegroup("qualisys-eks", "qualisys-general", "CREATING");
        EmulatedAccount.local().eks().holdNodegroup("qualisys-eks", "qualisys-playwright-pool", "CREATING");
    }, () -> {
        EmulatedAccount.local().eks().releaseCluster("qualisys-eks");
        EmulatedAccount.local().eks().releaseNodegroup("qualisys-eks", "qualisys-general");
        EmulatedAccount.local().eks().releaseNodegroup("qualisys-eks", "qualisys-playwright-pool");
    });

    private static final Held RDS = new Held("rds", RdsLayer::new,
            () -> EmulatedAccount.local().rds().holdInstance("qualisys-db", "creating"),
            () -> EmulatedAccount.local().rds().releaseInstance("qualisys-db"));

    @TestFactory
    Stream<DynamicTest> eksConvergesAfterCrashesWhileItsClusterAndNodeGroupsAreCreating() {
        return crashPoints(EKS);
    }

    @TestFactory
    Stream<DynamicTest> rdsConvergesAfterCrashesWhileItsInstanceIsCreating() {
        return crashPoints(RDS);
    }

    /**
     * Two out-of-band changes AWS can only undo one update at a time (endpoint access, logging); every
     * update leaves the cluster UPDATING for the next describes, and the run dies right after each
     * update call was carried out — the first run and the recovery run both crash while the cluster
     * is UPDATING. No run may try an update meanwhile (ResourceInUseException would fail it).
     */
    @Test
    void eksConvergesAfterCrashesWhileItsClusterIsUpdating() {
        EmulatedAccount account = EmulatedAccount.fresh();
        var eks = EmulatedAccount.local().eks();
        try (AwsClients aws = account.clients()) {
            Prerequisites.create(aws, spec);
            assertThat(applyUntilComplete(aws, EKS)).isTrue();
            Map<String, Integer> expected = ResourceCensus.of(aws);
            eks.updatingFor(0);
            aws.eks().updateClusterConfig(r -> r.name("qualisys-eks").resourcesVpcConfig(v -> v.endpointPublicAccess(false)));
            aws.eks().updateClusterConfig(r -> r.name("qualisys-eks").logging(l -> l.clusterLogging(c -> c.types(LogType.SCHEDULER).enabled(false))));
            eks.updatingFor(2);

            int crashes = 0;
            int runs = 0;
            boolean complete = false;
            while (!complete && runs < MAX_ROUNDS * 2) {
                runs++;
                try (AwsClients dying = account.clients(new CrashAfterCarriedOut("Eks.UpdateClusterConfig"))) {
                    int crashed = CrashAfter.killed(() -> new LayerHarness(spec, dying, EKS.factory().get()).apply());
                    crashes += crashed;
                    if (crashed == 0) complete = new LayerHarness(spec, aws, EKS.factory().get()).drift().changes().isEmpty();
                }
            }
            System.out.println("eks while updating: " + crashes + " crashes right after an update, " + runs + " runs");
            assertThat(crashes).as("one crash after each of the two updates").isEqualTo(2);
            assertThat(complete).as("converged within %d runs", MAX_ROUNDS * 2).isTrue();
            eks.updatingFor(0);
            LayerHarness again = new LayerHarness(spec, aws, EKS.factory().get());
            assertThat(again.mutatingCallsOfApply()).isEmpty();
            try (AwsClients reader = account.clients()) {
                var cluster = reader.eks().describeCluster(r -> r.name("qualisys-eks")).cluster();
                assertThat(cluster.resourcesVpcConfig().endpointPublicAccess()).isTrue();
                assertThat(cluster.logging().clusterLogging()).filteredOn(c -> Boolean.TRUE.equals(c.enabled()))
                        .flatExtracting(c -> c.typesAsStrings()).contains("scheduler");
                assertThat(ResourceCensus.of(reader)).isEqualTo(expected);
            }
        } finally {
            eks.updatingFor(0);
        }
    }

    private Stream<DynamicTest> crashPoints(Held held) {
        Clean clean = cleanRun(held);
        System.out.println(held.layer() + " while creating: " + clean.firstRunCalls().size() + " crash points " + clean.firstRunCalls()
                + "; a fault-free apply leaves " + clean.census().values().stream().mapToInt(Integer::intValue).sum()
                + " resources of " + clean.census().size() + " types");
        return IntStream.range(0, clean.firstRunCalls().size()).mapToObj(k -> DynamicTest.dynamicTest(
                "killed after " + k + " of " + clean.firstRunCalls().size() + " mutating calls (before " + clean.firstRunCalls().get(k)
                        + "), again in recovery", () -> killedWhileCreating(k, held, clean.census())));
    }

    private record Clean(List<String> firstRunCalls, Map<String, Integer> census) {}

    /** The mutating calls of the first apply while everything is held, and what a completed apply leaves. */
    private Clean cleanRun(Held held) {
        EmulatedAccount account = EmulatedAccount.fresh();
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor log = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                String op = ApiCallCounter.name(attributes);
                if (ApiCallCounter.isMutating(op)) calls.add(op);
            }
        };
        try (AwsClients setup = account.clients(); AwsClients aws = account.clients(log)) {
            Prerequisites.create(setup, spec);
            held.hold().run();
            assertThat(new LayerHarness(spec, aws, held.factory().get()).apply().isComplete()).as("held: not complete").isFalse();
            List<String> first = List.copyOf(calls);
            held.release().run();
            assertThat(applyUntilComplete(setup, held)).as("%s completes once released", held.layer()).isTrue();
            return new Clean(first, ResourceCensus.of(setup));
        }
    }

    private void killedWhileCreating(int k, Held held, Map<String, Integer> expected) {
        EmulatedAccount account = EmulatedAccount.fresh();
        try (AwsClients setup = account.clients()) {
            Prerequisites.create(setup, spec);
        }
        held.hold().run();
        int crashes = 0;
        try (AwsClients crashing = account.clients(new CrashAfter(k))) {
            crashes += CrashAfter.killed(() -> new LayerHarness(spec, crashing, held.factory().get()).apply());
        }
        assertThat(crashes).as("the first run is killed after %d mutating calls", k).isEqualTo(1);
        try (AwsClients recovering = account.clients(new CrashAfter(1))) {
            // The recovery is killed too, unless it has at most one call left to make while AWS is still creating.
            crashes += CrashAfter.killed(() -> new LayerHarness(spec, recovering, held.factory().get()).apply());
        }
        try (AwsClients aws = account.clients()) {
            assertThat(new LayerHarness(spec, aws, held.factory().get()).apply().isComplete()).as("still creating").isFalse();
            held.release().run();
            assertThat(applyUntilComplete(aws, held)).as("%s completes within %d rounds once AWS has finished", held.layer(), MAX_ROUNDS)
                    .isTrue();
            LayerHarness again = new LayerHarness(spec, aws, held.factory().get());
            assertThat(again.drift().changes()).isEmpty();
            assertThat(again.mutatingCallsOfApply()).isEmpty();
            assertThat(ResourceCensus.of(aws)).as("resources by type after %d crashes vs. a fault-free apply", crashes).isEqualTo(expected);
            System.out.println(held.layer() + " while creating, killed after " + k + ": " + crashes + " crashes");
        }
    }

    private boolean applyUntilComplete(AwsClients aws, Held held) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Reconciler.ApplyResult result = new LayerHarness(spec, aws, held.factory().get()).apply();
            if (result.isComplete()) return true;
        }
        return false;
    }
}
