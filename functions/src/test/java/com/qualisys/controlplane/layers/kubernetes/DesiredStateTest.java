package com.qualisys.controlplane.layers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The seed's Kubernetes tables, read as the objects the layer will own. Pure: no cluster. */
class DesiredStateTest {
    private final EnvironmentSpec dev = TestSpecs.load("dev");
    private final Map<String, DesiredResource> desired = DesiredState.of(dev).stream()
            .collect(Collectors.toMap(DesiredResource::logicalId, d -> d));

    @Test
    void productionEnforcesRestrictedAndTheOthersBaselineWarningRestricted() {
        assertThat(pss("production")).containsEntry("enforce", "restricted").containsEntry("warn", "restricted");
        for (String ns : List.of("dev", "staging", "playwright-pool", "monitoring")) {
            assertThat(pss(ns)).as(ns).containsEntry("enforce", "baseline").containsEntry("warn", "restricted")
                    .containsEntry("audit", "restricted");
        }
        assertThat(pss("dev")).containsEntry("enforce-version", "v1.29").containsEntry("warn-version", "latest");
    }

    @Test
    void quotasAreTheSeedsCpuMemoryAndPods() {
        assertThat(hard("dev")).isEqualTo(Map.of("requests.cpu", "4", "requests.memory", "8Gi", "limits.memory", "8Gi", "pods", "50"));
        assertThat(hard("production")).containsEntry("requests.cpu", "32").containsEntry("requests.memory", "64Gi").containsEntry("pods", "200");
        assertThat(hard("playwright-pool")).containsEntry("requests.cpu", "80").containsEntry("requests.memory", "160Gi").containsEntry("pods", "100");
        assertThat(hard("monitoring")).containsEntry("pods", "30");
    }

    @Test
    void theRbacMatrixBecomesOneRoleBindingPerCellThatIsNotNone() {
        assertThat(binding("dev", "developer")).containsEntry("roleRef", "ClusterRole/developer")
                .containsEntry("subjects", List.of("Group/qualisys-developers"));
        assertThat(binding("production", "developer")).containsEntry("roleRef", "ClusterRole/read-only");
        assertThat(binding("production", "devops")).containsEntry("roleRef", "ClusterRole/devops");
        assertThat(binding("staging", "ci-cd")).containsEntry("roleRef", "ClusterRole/ci-cd")
                .containsEntry("subjects", List.of("Group/qualisys-cicd"));
        for (String none : List.of("dev", "production", "monitoring")) {
            assertThat(desired).as("ci-cd has no binding in " + none).doesNotContainKey(KubernetesKinds.roleBinding(none, "ci-cd"));
        }
        long bindings = desired.values().stream().filter(d -> d.kind() == KubernetesKinds.ROLE_BINDING).count();
        assertThat(bindings).as("5 developer + 5 devops + 2 ci-cd").isEqualTo(12);
        assertThat(desired.get(KubernetesKinds.clusterRoleBinding("devops")).attributes())
                .containsEntry("roleRef", "ClusterRole/devops").containsEntry("subjects", List.of("Group/qualisys-devops"));
    }

    @Test
    void ciCdMayNeitherExecIntoPodsNorReadSecrets() {
        List<RbacRule> rules = ClusterRoles.rules("ci-cd");
        assertThat(rules).noneMatch(r -> r.resources().contains("pods/exec") || r.resources().contains("pods/attach")
                || r.resources().contains("pods/portforward"));
        assertThat(rules).filteredOn(r -> r.resources().contains("secrets"))
                .allSatisfy(r -> assertThat(r.verbs()).doesNotContain("get", "list", "watch"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void awsAuthMapsTheThreeRolesToTheirGroupsAndTheNodeRoleToNodes() {
        List<Map<String, Object>> roles = (List<Map<String, Object>>) desired.get(KubernetesKinds.awsAuth()).attribute("mapRoles");
        assertThat(roles).extracting(r -> r.get("rolearn")).containsExactly(
                "arn:aws:iam::${accountId}:role/QualisysCICD",
                "arn:aws:iam::${accountId}:role/QualisysDevOpsAdmin",
                "arn:aws:iam::${accountId}:role/QualisysDeveloper",
                "arn:aws:iam::${accountId}:role/qualisys-eks-node-role");
        assertThat(roles.get(3)).containsEntry("username", "system:node:{{EC2PrivateDNSName}}")
                .containsEntry("groups", List.of("system:bootstrappers", "system:nodes"));
        assertThat(roles.get(1)).containsEntry("groups", List.of("qualisys-devops"));
        assertThat(AwsAuth.render(roles, "123456789012")).contains("arn:aws:iam::123456789012:role/QualisysDeveloper")
                .doesNotContain("${accountId}");
        assertThat(AwsAuth.parse(AwsAuth.render(roles, "123456789012"), "123456789012")).isEqualTo(roles);
    }

    @Test
    void everyComponentIsAReleaseWithItsVersionConstraint() {
        assertThat(desired.get(KubernetesKinds.helmRelease("cluster-autoscaler")).attributes())
                .containsEntry("chart", "cluster-autoscaler").containsEntry("version", "~>9.29").containsEntry("ready", true);
        assertThat(desired).containsKeys(KubernetesKinds.helmRelease("metrics-server"),
                KubernetesKinds.helmRelease("aws-load-balancer-controller"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> pss(String ns) {
        return (Map<String, Object>) desired.get(KubernetesKinds.namespace(ns)).attribute("podSecurity");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> hard(String ns) {
        return (Map<String, Object>) desired.get(KubernetesKinds.resourceQuota(ns)).attribute("hard");
    }

    private Map<String, Object> binding(String ns, String role) {
        DesiredResource d = desired.get(KubernetesKinds.roleBinding(ns, role));
        assertThat(d).as("binding of " + role + " in " + ns).isNotNull();
        return d.attributes();
    }
}
