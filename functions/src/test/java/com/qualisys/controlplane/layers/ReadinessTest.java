package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.PendingChange;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clusters, node groups and DB instances take minutes. Apply never waits: it makes what it can
 * and leaves the rest pending; the state machine loops Readiness → Wait → Apply until ready.
 * moto creates EKS and RDS resources in their final state and has no state-transition hook for
 * them, so LocalAws's EKS and RDS stubs hold them in the documented transitional statuses (CREATING with no
 * endpoint or OIDC issuer; "creating" with no Endpoint) until the test lets AWS "finish".
 */
class ReadinessTest {
    static final String CLUSTER = "qualisys-eks";
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final LocalAws local = LocalAws.shared();
    AwsClients aws;

    @BeforeEach
    void start() {
        EmulatedAccount account = EmulatedAccount.fresh();
        aws = account.clients();
        try (AwsClients setup = account.clients()) {
            Prerequisites.create(setup, spec);
        }
    }

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void whileTheClusterIsCreatingApplyMakesWhatItCanAndTheLoopFinishesTheRest() {
        LayerHarness eks = new LayerHarness(spec, aws, new EksLayer());
        local.eks().holdCluster(CLUSTER, "CREATING");
        local.eks().holdNodegroup(CLUSTER, "qualisys-general", "CREATING");
        local.eks().holdNodegroup(CLUSTER, "qualisys-playwright-pool", "CREATING");

        Reconciler.ApplyResult first = eks.apply();
        assertThat(first.isComplete()).isFalse();
        assertThat(first.pending()).extracting(p -> p.change().logicalId()).containsExactlyInAnyOrder(
                "eks/oidc-provider/qualisys-eks", "eks/addon/vpc-cni", "eks/addon/kube-proxy", "eks/addon/coredns",
                "eks/node-group/general", "eks/node-group/playwright-pool",
                "eks/role/qualisys-cluster-autoscaler", "eks/role/qualisys-alb-controller");
        assertThat(first.pending()).filteredOn(p -> p.change().logicalId().equals("eks/node-group/general"))
                .extracting(PendingChange::reason).singleElement().asString().contains("needs cluster qualisys-eks ACTIVE; it is CREATING");
        assertThat(first.pending()).filteredOn(p -> p.change().logicalId().equals("eks/role/qualisys-cluster-autoscaler"))
                .extracting(PendingChange::reason).singleElement().asString().isEqualTo("waits for eks/oidc-provider/qualisys-eks");
        assertThat(first.applied()).extracting(c -> c.logicalId()).contains("eks/cluster/qualisys-eks", "eks/kms-key/secrets",
                "eks/launch-template/general", "eks/role/qualisys-eks-node-role");
        assertThat(aws.calls().byOperation()).doesNotContainKeys("Eks.CreateNodegroup", "Eks.CreateAddon", "Iam.CreateOpenIDConnectProvider");

        Readiness waiting = eks.run().readiness("eks");
        assertThat(waiting.isReady()).isFalse();
        assertThat(waiting.waitingFor()).contains("eks/cluster/qualisys-eks: CREATING",
                "eks/node-group/general: not created yet (apply again)");

        List<List<String>> rounds = stateMachineLoop(eks, "eks", round -> {
            if (round == 2) local.eks().releaseCluster(CLUSTER);
            if (round == 4) {
                local.eks().releaseNodegroup(CLUSTER, "qualisys-general");
                local.eks().releaseNodegroup(CLUSTER, "qualisys-playwright-pool");
            }
        });
        assertThat(rounds.get(2)).contains("eks/node-group/general: CREATING", "eks/node-group/playwright-pool: CREATING");
        assertThat(rounds).hasSize(4);
        assertThat(eks.drift().isEmpty()).isTrue();
        assertThat(eks.mutatingCallsOfApply()).isEmpty();
    }

    @Test
    void whileTheInstanceIsCreatingTheConnectionSecretWaitsForItsEndpoint() {
        LayerHarness rds = new LayerHarness(spec, aws, new RdsLayer());
        local.rds().holdInstance("qualisys-db", "creating");

        Reconciler.ApplyResult first = rds.apply();
        assertThat(first.pending()).singleElement().satisfies(p -> {
            assertThat(p.change().logicalId()).isEqualTo("rds/secret/connection");
            assertThat(p.reason()).contains("waits for the endpoint of qualisys-db (creating)");
        });
        assertThat(first.applied()).extracting(c -> c.logicalId()).contains("rds/secret/master", "rds/db-instance/qualisys-db");
        assertThat(rds.run().readiness("rds").waitingFor()).contains("rds/db-instance/qualisys-db: creating",
                "rds/secret/connection: not created yet (apply again)");

        List<List<String>> rounds = stateMachineLoop(rds, "rds", round -> {
            if (round == 3) local.rds().releaseInstance("qualisys-db");
        });
        assertThat(rounds).hasSize(3);
        assertThat(aws.secretsManager().describeSecret(r -> r.secretId("qualisys/database/connection")).name())
                .isEqualTo("qualisys/database/connection");
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    void anInstanceStillBeingDeletedIsNeverAdoptedItsSuccessorWaits() {
        LayerHarness rds = new LayerHarness(spec, aws, new RdsLayer());
        rds.apply();
        // A replace deleted the instance; AWS takes minutes to finish deleting it.
        local.rds().holdInstance("qualisys-db", "deleting");

        Reconciler.ApplyResult during = rds.apply();
        assertThat(during.pending()).extracting(p -> p.change().logicalId())
                .containsExactlyInAnyOrder("rds/db-instance/qualisys-db", "rds/secret/connection");
        assertThat(during.pending()).filteredOn(p -> p.change().logicalId().equals("rds/db-instance/qualisys-db"))
                .extracting(PendingChange::reason).singleElement().asString().contains("waits until the instance it replaces is deleted");
        assertThat(rds.run().readiness("rds").waitingFor()).contains("rds/db-instance/qualisys-db: not created yet (apply again)");

        local.rds().releaseInstance("qualisys-db");
        assertThat(rds.apply().isComplete()).isTrue();
        assertThat(rds.run().readiness("rds").isReady()).isTrue();
    }

    @Test
    void aNodeGroupThatFailedStopsTheLoopInsteadOfWaitingForever() {
        LayerHarness eks = new LayerHarness(spec, aws, new EksLayer());
        eks.apply();
        local.eks().holdNodegroup(CLUSTER, "qualisys-playwright-pool", "CREATE_FAILED");
        assertThatThrownBy(() -> eks.run().readiness("eks")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eks/node-group/playwright-pool (qualisys-playwright-pool) is CREATE_FAILED");
    }

    /**
     * The provision state machine's loop for one layer: Readiness; if not ready, Wait (here: AWS
     * makes progress as the test says) and Apply again. Returns what each round waited for.
     */
    private static List<List<String>> stateMachineLoop(LayerHarness layer, String name, java.util.function.IntConsumer awsProgress) {
        List<List<String>> rounds = new ArrayList<>();
        for (int round = 1; round <= 10; round++) {
            Readiness r = layer.run().readiness(name);
            if (r.isReady()) return rounds;
            rounds.add(r.waitingFor());
            awsProgress.accept(round);
            layer.apply();
        }
        throw new AssertionError("not ready after 10 rounds: " + rounds);
    }
}
