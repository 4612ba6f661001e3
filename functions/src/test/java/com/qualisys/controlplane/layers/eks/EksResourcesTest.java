package com.qualisys.controlplane.layers.eks;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EksResourcesTest {
    final EnvironmentSpec dev = TestSpecs.load("dev");
    final List<DesiredResource> desired = EksResources.desired(dev);

    DesiredResource get(String id) {
        return desired.stream().filter(d -> d.logicalId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theClusterIsQualisysEks129WithBothEndpointsAllFiveLogTypesAndKmsSecrets() {
        DesiredResource cluster = get("eks/cluster/qualisys-eks");
        assertThat(cluster.attribute("version")).isEqualTo("1.29");
        assertThat(cluster.attribute("endpointPrivateAccess")).isEqualTo(true);
        assertThat(cluster.attribute("endpointPublicAccess")).isEqualTo(true);
        assertThat(cluster.strings("logTypes")).containsExactly("api", "audit", "authenticator", "controllerManager", "scheduler");
        assertThat(cluster.attribute("secretsKey")).isEqualTo("ref:eks/kms-key/secrets");
        assertThat(cluster.attribute("roleArn")).isEqualTo("ref:iam/role/QualisysEKSService");
        assertThat(cluster.strings("subnetIds")).containsExactly("ref:vpc/subnet/private-a", "ref:vpc/subnet/private-b");
        assertThat(get("eks/kms-key/secrets").attributes()).containsEntry("rotation", true).containsEntry("alias", "alias/qualisys-eks-secrets");
    }

    @Test
    void nodeGroupsFollowTheSeedTable() {
        DesiredResource general = get("eks/node-group/general");
        assertThat(general.strings("instanceTypes")).containsExactly("t3.medium");
        assertThat(general.attribute("scaling")).isEqualTo(Map.of("minSize", 2, "maxSize", 10));
        assertThat(general.stringMap("labels")).containsExactly(Map.entry("node-type", "general"));
        assertThat(general.strings("taints")).isEmpty();
        assertThat(general.attribute("capacityType")).isEqualTo("ON_DEMAND");

        DesiredResource playwright = get("eks/node-group/playwright-pool");
        assertThat(playwright.strings("instanceTypes")).containsExactly("c5.xlarge");
        assertThat(playwright.attribute("scaling")).isEqualTo(Map.of("minSize", 5, "maxSize", 20));
        assertThat(playwright.stringMap("labels")).containsExactly(Map.entry("node-type", "playwright"));
        assertThat(playwright.strings("taints")).containsExactly("workload=playwright:NO_SCHEDULE");
        assertThat(playwright.strings("subnetIds")).containsExactly("ref:vpc/subnet/private-a", "ref:vpc/subnet/private-b");
    }

    @Test
    void theDesiredSizeBelongsToTheAutoscalerSoItIsNeverAnAttribute() {
        DesiredResource playwright = get("eks/node-group/playwright-pool");
        Map<String, Object> live = new LinkedHashMap<>(playwright.attributes());
        live.put("desiredSize", 17);
        Plan plan = Differ.diff("dev", "eks", List.of(playwright),
                List.of(new ObservedResource(playwright.logicalId(), "node-group", "qualisys-playwright-pool", live)));
        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void launchTemplatesRequireImdsV2AndUseTheK8sNodesSecurityGroup() {
        for (String group : List.of("general", "playwright-pool")) {
            DesiredResource lt = get("eks/launch-template/" + group);
            assertThat(lt.attribute("httpTokens")).isEqualTo("required");
            assertThat(lt.strings("securityGroupIds")).containsExactly("ref:vpc/security-group/k8s-nodes");
        }
    }

    @Test
    void theNodeRoleCarriesTheThreeManagedPoliciesOfTheSeed() {
        assertThat(get("eks/role/qualisys-eks-node-role").strings("managedPolicies")).containsExactly(
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    }

    @Test
    void irsaRolesDependOnTheOidcProviderWhichDependsOnTheCluster() {
        assertThat(get("eks/role/qualisys-cluster-autoscaler").dependsOn()).contains("eks/oidc-provider/qualisys-eks");
        assertThat(get("eks/role/qualisys-alb-controller").dependsOn()).contains("eks/oidc-provider/qualisys-eks");
        assertThat(get("eks/oidc-provider/qualisys-eks").dependsOn()).contains("eks/cluster/qualisys-eks");
        assertThat(get("eks/node-group/general").dependsOn()).contains("eks/cluster/qualisys-eks",
                "eks/launch-template/general", "eks/role/qualisys-eks-node-role");
    }

    @Test
    void theAutoscalerMayScaleOnlyThisClustersNodeGroups() {
        @SuppressWarnings("unchecked")
        Map<String, Object> policies = (Map<String, Object>) get("eks/role/qualisys-cluster-autoscaler").attribute("inlinePolicyDocuments");
        assertThat(policies).containsOnlyKeys("qualisys-cluster-autoscaler");
        assertThat(policies.get("qualisys-cluster-autoscaler").toString())
                .contains("autoscaling:SetDesiredCapacity", "aws:ResourceTag/k8s.io/cluster-autoscaler/qualisys-eks=owned");
        assertThat(get("eks/role/qualisys-alb-controller").strings("inlinePolicies")).containsExactly("qualisys-alb-controller");
        assertThat(get("eks/role/qualisys-eks-node-role").strings("inlinePolicies")).isEmpty();
    }

    @Test
    void theThreeAddOnsAreDesired() {
        assertThat(desired).extracting(DesiredResource::logicalId)
                .contains("eks/addon/vpc-cni", "eks/addon/kube-proxy", "eks/addon/coredns");
    }

    @Test
    void changingClusterSubnetsIsAReplaceButScalingBoundsAreUpdates() {
        DesiredResource cluster = get("eks/cluster/qualisys-eks");
        Map<String, Object> live = new LinkedHashMap<>(cluster.attributes());
        live.put("subnetIds", List.of("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b"));
        live.put("logTypes", List.of("api"));
        Plan plan = Differ.diff("dev", "eks", List.of(cluster), List.of(new ObservedResource(cluster.logicalId(), "eks-cluster", "qualisys-eks", live)));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.destructive()).isTrue();
        });

        DesiredResource general = get("eks/node-group/general");
        Map<String, Object> ng = new LinkedHashMap<>(general.attributes());
        ng.put("scaling", Map.of("minSize", 2, "maxSize", 4));
        Plan scaling = Differ.diff("dev", "eks", List.of(general), List.of(new ObservedResource(general.logicalId(), "node-group", "x", ng)));
        assertThat(scaling.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.destructive()).isFalse();
        });
    }

    @Test
    void theUpgradePathMovesOneMinorVersionAtATime() {
        assertThat(ClusterChanges.nextVersion("1.31", "1.29")).isEqualTo("1.30");
        assertThat(ClusterChanges.nextVersion("1.30", "1.29")).isEqualTo("1.30");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterChanges.nextVersion("1.29", "1.30"))
                .hasMessageContaining("cannot downgrade");
    }
}
