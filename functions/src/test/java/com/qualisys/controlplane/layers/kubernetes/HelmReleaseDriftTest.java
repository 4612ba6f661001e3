package com.qualisys.controlplane.layers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Plan;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The components' drift check, against Deployments in the real API server that carry the labels
 * Helm and these charts set (app.kubernetes.io/managed-by: Helm, app.kubernetes.io/instance,
 * helm.sh/chart: &lt;chart&gt;-&lt;version&gt;). No chart is installed here: the tests cannot reach
 * chart repositories, so what helm itself does stays unproven by these tests.
 */
class HelmReleaseDriftTest {
    /** The seed's constraint on the cluster-autoscaler chart (environments/defaults.yaml). */
    private static final String CLUSTER_AUTOSCALER_CONSTRAINT = "~>9.29";

    @Test
    void releasesInsideTheirConstraintsAndReadyAreNoDrift() {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        f.reconciler().apply("kubernetes", false);

        assertThat(releaseChanges(f.reconciler().plan("kubernetes"))).isEmpty();
        assertThat(f.reconciler().readiness("kubernetes").isReady()).isTrue();
    }

    @Test
    void aVersionOutsideTheConstraintANotReadyDeploymentAndAMissingReleaseAreDrift() {
        KubeFixture f = new KubeFixture();
        f.installAsHelmWould("cluster-autoscaler", "cluster-autoscaler", "9.29.0", true);
        f.installAsHelmWould("metrics-server", "metrics-server", "3.12.2", false);
        // The load balancer controller is older than the seed's ~>1.6 allows.
        f.installAsHelmWould("aws-load-balancer-controller", "aws-load-balancer-controller", "1.5.4", true);

        Map<String, Change> releases = releaseChanges(f.reconciler().plan("kubernetes"));

        assertThat(releases.keySet()).containsExactlyInAnyOrder(
                "kubernetes/helm-release/metrics-server", "kubernetes/helm-release/aws-load-balancer-controller");
        assertThat(releases.get("kubernetes/helm-release/aws-load-balancer-controller").differences()).singleElement()
                .satisfies(d -> assertThat(List.of(d.path(), d.expected(), d.actual())).containsExactly("version", "~>1.6", "1.5.4"));
        assertThat(releases.get("kubernetes/helm-release/metrics-server").differences()).singleElement()
                .satisfies(d -> assertThat(List.of(d.path(), d.expected(), d.actual())).containsExactly("ready", true, false));
        assertThat(f.reconciler().readiness("kubernetes").waitingFor())
                .anySatisfy(w -> assertThat(w).contains("metrics-server").contains("0/1 available"));

        f.admin.apps().deployments().inNamespace(f.componentsNamespace()).withName("cluster-autoscaler").delete();
        assertThat(releaseChanges(f.reconciler().plan("kubernetes")).get("kubernetes/helm-release/cluster-autoscaler").action())
                .isEqualTo(Action.CREATE);
    }

    @Test
    void aNewMajorVersionIsDriftToo() {
        KubeFixture f = new KubeFixture();
        f.installAsHelmWould("cluster-autoscaler", "cluster-autoscaler", "10.0.0", true);
        f.installAsHelmWould("metrics-server", "metrics-server", "3.11.0", true);
        f.installAsHelmWould("aws-load-balancer-controller", "aws-load-balancer-controller", "1.13.2", true);

        Map<String, Change> releases = releaseChanges(f.reconciler().plan("kubernetes"));
        assertThat(releases.keySet()).containsExactly("kubernetes/helm-release/cluster-autoscaler");
        assertThat(releases.get("kubernetes/helm-release/cluster-autoscaler").differences()).singleElement()
                .satisfies(d -> assertThat(List.of(d.path(), d.expected(), d.actual())).containsExactly("version", CLUSTER_AUTOSCALER_CONSTRAINT, "10.0.0"));
    }

    @Test
    void applyLeavesAReleaseThatIsOnlyStartingToReadiness() {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        Deployment starting = f.admin.apps().deployments().inNamespace(f.componentsNamespace()).withName("metrics-server").get();
        f.setAvailable(starting, false);
        f.reconciler().apply("kubernetes", false);
        f.requests.clear();

        // Only "ready" differs: no helm run (none is installed here; it would fail), no write.
        f.reconciler().apply("kubernetes", false);

        assertThat(f.requests.mutating()).isEmpty();
        assertThat(f.reconciler().readiness("kubernetes").isReady()).isFalse();
    }

    private static Map<String, Change> releaseChanges(Plan plan) {
        return plan.changes().stream().filter(c -> c.kind().equals("helm-release"))
                .collect(Collectors.toMap(Change::logicalId, c -> c));
    }
}
