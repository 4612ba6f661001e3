package com.qualisys.controlplane.layers.kubernetes.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helm command lines the layer runs for the seed's three components. Pure: no helm and no
 * chart repository is reached here (the tests have no network); what helm then does with the
 * command is outside what these tests prove.
 */
class HelmCommandTest {
    private static final ClusterFacts FACTS = new ClusterFacts("123456789012", "us-east-1", "qualisys-eks", "vpc-0abc");
    private final EnvironmentSpec spec = TestSpecs.load("dev");

    @Test
    void clusterAutoscalerAutoDiscoversQualisysEksWithItsIrsaRole() {
        List<String> argv = command("cluster-autoscaler");
        assertThat(argv).startsWith("/opt/helm/helm", "upgrade", "--install", "cluster-autoscaler", "cluster-autoscaler",
                "--repo", "https://kubernetes.github.io/autoscaler", "--version", ">=9.29.0 <10.0.0",
                "--namespace", "kube-system", "--values", "/repo/kubernetes/cluster-autoscaler/values.yaml");
        assertThat(setStrings(argv)).containsExactly(
                "autoDiscovery.clusterName=qualisys-eks",
                "awsRegion=us-east-1",
                "rbac.serviceAccount.name=cluster-autoscaler",
                "rbac.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/qualisys-cluster-autoscaler");
        assertThat(argv).doesNotContain("--wait").endsWith("--history-max", "10");
    }

    @Test
    void loadBalancerControllerGetsClusterRegionAndVpcAndItsIrsaRole() {
        List<String> argv = command("aws-load-balancer-controller");
        assertThat(argv).containsSubsequence("--version", ">=1.6.0 <2.0.0");
        assertThat(setStrings(argv)).containsExactly(
                "clusterName=qualisys-eks",
                "region=us-east-1",
                "vpcId=vpc-0abc",
                "serviceAccount.name=aws-load-balancer-controller",
                "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/qualisys-alb-controller");
    }

    @Test
    void metricsServerNeedsNoPerEnvironmentValues() {
        List<String> argv = command("metrics-server");
        assertThat(argv).containsSubsequence("--repo", "https://kubernetes-sigs.github.io/metrics-server",
                "--version", ">=3.11.0 <4.0.0");
        assertThat(setStrings(argv)).isEmpty();
    }

    @Test
    void aMissingVpcIdIsAnErrorNamingTheComponent() {
        ClusterFacts noVpc = new ClusterFacts("123456789012", "us-east-1", "qualisys-eks", null);
        assertThatThrownBy(() -> HelmCommand.upgradeInstall("helm", component("aws-load-balancer-controller"), spec.eks(), noVpc,
                Path.of("values.yaml"))).hasMessageContaining("aws-load-balancer-controller").hasMessageContaining("VPC");
    }

    @Test
    void commasInValuesAreEscapedForHelm() {
        KubernetesSpec.Component c = new KubernetesSpec.Component("x", "https://charts.example", "x", "1.0.0", "kube-system",
                "v.yaml", null, Map.of("a", "one,two"));
        assertThat(setStrings(HelmCommand.upgradeInstall("helm", c, spec.eks(), FACTS, Path.of("v.yaml")))).containsExactly("a=one\\,two");
    }

    @Test
    void theValuesFilesOfTheSeedAreInTheRepository() {
        for (KubernetesSpec.Component c : spec.kubernetes().components()) {
            assertThat(ValuesFiles.locate(c.values())).as(c.values()).isRegularFile();
        }
    }

    @Test
    void helmIsFoundThroughQualisysHelmThenTheLambdaLayerThenPath(@TempDir Path dir) throws IOException {
        Path configured = executable(dir.resolve("configured-helm"));
        Path layer = executable(dir.resolve("layer/helm"));
        Path onPath = executable(dir.resolve("bin/helm"));
        assertThat(HelmBinary.locate(Map.of(HelmBinary.ENV, configured.toString(), "PATH", onPath.getParent().toString()), layer))
                .isEqualTo(configured);
        assertThat(HelmBinary.locate(Map.of("PATH", onPath.getParent().toString()), layer)).isEqualTo(layer);
        assertThat(HelmBinary.locate(Map.of("PATH", "/nonexistent:" + onPath.getParent()), dir.resolve("none"))).isEqualTo(onPath);
        assertThatThrownBy(() -> HelmBinary.locate(Map.of("PATH", "/nonexistent"), dir.resolve("none")))
                .hasMessageContaining("QUALISYS_HELM").hasMessageContaining("docs/kubernetes-layer.md");
    }

    private List<String> command(String name) {
        return HelmCommand.upgradeInstall("/opt/helm/helm", component(name), spec.eks(), FACTS,
                Path.of("/repo").resolve(component(name).values()));
    }

    private KubernetesSpec.Component component(String name) {
        return spec.kubernetes().components().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> setStrings(List<String> argv) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) if (argv.get(i).equals("--set-string")) out.add(argv.get(i + 1));
        return out;
    }

    static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
