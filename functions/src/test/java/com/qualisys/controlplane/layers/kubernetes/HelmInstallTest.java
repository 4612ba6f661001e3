package com.qualisys.controlplane.layers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.emulator.StandInChartRepository;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components installed by a real helm (v3, built from tools/helm) into the real API server,
 * through the layer's own command line and connection (token and CA in helm's environment),
 * from a loopback chart repository of stand-in charts. What stays unproven: the upstream charts
 * themselves and their values schemas.
 */
class HelmInstallTest {

    @Test
    void applyInstallsEachComponentAtTheNewestVersionItsConstraintAllowsAndLeavesItAloneAfterwards(@TempDir Path dir) throws Exception {
        Path helm = StandInChartRepository.helmBinary();
        try (StandInChartRepository charts = new StandInChartRepository(helm, dir, Map.of(
                "metrics-server", List.of("3.10.0", "3.12.2", "4.0.0"),
                "cluster-autoscaler", List.of("9.28.0", "9.37.0", "10.1.0")))) {
            KubeFixture f = new KubeFixture(new HelmRunner(() -> helm, Duration.ofMinutes(2)), c ->
                    c.name().equals("aws-load-balancer-controller") ? null
                            : new KubernetesSpec.Component(c.name(), charts.url(), c.chart(), c.version(), c.namespace(), c.values(),
                            c.irsaRole(), c.set()));
            String ns = f.componentsNamespace();

            f.reconciler().apply("kubernetes", false);

            Deployment metrics = f.admin.apps().deployments().inNamespace(ns).withName("metrics-server").get();
            assertThat(metrics.getMetadata().getLabels()).containsEntry("helm.sh/chart", "metrics-server-3.12.2")
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
            assertThat(metrics.getSpec().getReplicas()).as("replicas from kubernetes/metrics-server/values.yaml").isEqualTo(2);
            assertThat(metrics.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                    .contains("--kubelet-preferred-address-types=InternalIP");
            assertThat(f.admin.apps().deployments().inNamespace(ns).withName("cluster-autoscaler").get().getMetadata().getLabels())
                    .containsEntry("helm.sh/chart", "cluster-autoscaler-9.37.0");
            assertThat(f.admin.serviceAccounts().inNamespace(ns).withName("cluster-autoscaler").get().getMetadata().getAnnotations())
                    .as("IRSA role from --set-string, account from STS")
                    .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/qualisys-cluster-autoscaler");

            // No deployment controller runs here: report the pods available as it would.
            assertThat(f.reconciler().readiness("kubernetes").isReady()).isFalse();
            f.setAvailable(metrics, true);
            f.setAvailable(f.admin.apps().deployments().inNamespace(ns).withName("cluster-autoscaler").get(), true);
            assertThat(f.reconciler().readiness("kubernetes").isReady()).isTrue();
            assertThat(f.reconciler().plan("kubernetes").changes()).isEmpty();

            f.reconciler().apply("kubernetes", false);
            assertThat(releaseRevisions(f, "metrics-server")).as("no second helm run").containsExactly("v1");

            // Rolled back out of band below the constraint: drift, and apply upgrades it again.
            runHelm(helm, f, "upgrade", "--install", "metrics-server", "metrics-server", "--repo", charts.url(), "--version", "3.10.0",
                    "--namespace", ns, "--reuse-values");
            Plan drift = f.reconciler().plan("kubernetes");
            assertThat(drift.changes()).singleElement().satisfies(c -> {
                assertThat(c.logicalId()).isEqualTo("kubernetes/helm-release/metrics-server");
                assertThat(c.differences()).extracting(d -> d.path() + ": " + d.actual()).contains("version: 3.10.0");
            });
            f.reconciler().apply("kubernetes", false);
            assertThat(f.admin.apps().deployments().inNamespace(ns).withName("metrics-server").get().getMetadata().getLabels())
                    .containsEntry("helm.sh/chart", "metrics-server-3.12.2");
            assertThat(releaseRevisions(f, "metrics-server")).containsExactly("v1", "v2", "v3");
        }
    }

    private static List<String> releaseRevisions(KubeFixture f, String release) {
        return f.admin.secrets().inNamespace(f.componentsNamespace()).withLabel("name", release).withLabel("owner", "helm")
                .list().getItems().stream().map(Secret::getMetadata).map(m -> m.getLabels().get("version"))
                .map(v -> "v" + v).sorted().toList();
    }

    private static void runHelm(Path helm, KubeFixture f, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        new HelmRunner(() -> helm, Duration.ofMinutes(2)).run(command,
                com.qualisys.controlplane.layers.kubernetes.helm.HelmConnection.of(f.admin.getConfiguration()));
    }
}
