package com.qualisys.controlplane.layers.eks;

import static com.qualisys.controlplane.layers.LayerHarness.change;
import static com.qualisys.controlplane.layers.LayerHarness.difference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.ApprovalRequiredException;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.LayerHarness;
import com.qualisys.controlplane.layers.Prerequisites;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import com.qualisys.controlplane.layers.EmulatedAccount;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.Taint;
import software.amazon.awssdk.services.eks.model.TaintEffect;

/**
 * The EKS layer against moto (with the documented-shape stubs of LocalAws for what moto lacks), applied once; each
 * drift test changes something out of band, checks it is reported, repairs it, and leaves the
 * layer converged for the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EksLayerTest {
    static final String CLUSTER = "qualisys-eks";
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final LocalAws local = LocalAws.shared();
    AwsClients aws;
    AwsClients outOfBand;
    /** Reads what the account holds after a repair: a client neither the layer nor the out-of-band changes used. */
    AwsClients reader;
    LayerHarness eks;
    Prerequisites prerequisites;
    Reconciler.ApplyResult firstApply;

    @BeforeAll
    void applyOnce() {
        EmulatedAccount account = EmulatedAccount.fresh();
        aws = account.clients();
        outOfBand = account.clients();
        reader = account.clients();
        try (AwsClients setup = account.clients()) {
            prerequisites = Prerequisites.create(setup, spec);
        }
        eks = new LayerHarness(spec, aws, new EksLayer());
        firstApply = eks.apply();
    }

    @AfterAll
    void close() {
        aws.close();
        outOfBand.close();
        reader.close();
    }

    @Test
    @Order(1)
    void applyCreatesTheClusterAsTheSeedDescribesIt() {
        assertThat(firstApply.isComplete()).isTrue();
        Cluster c = aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster();
        assertThat(c.version()).isEqualTo("1.29");
        assertThat(c.resourcesVpcConfig().endpointPrivateAccess()).isTrue();
        assertThat(c.resourcesVpcConfig().endpointPublicAccess()).isTrue();
        assertThat(c.resourcesVpcConfig().subnetIds()).containsExactlyInAnyOrder(
                prerequisites.physicalIds.get("vpc/subnet/private-a"), prerequisites.physicalIds.get("vpc/subnet/private-b"));
        assertThat(c.roleArn()).isEqualTo(prerequisites.physicalIds.get("iam/role/QualisysEKSService"));
        assertThat(Clusters.enabledLogTypes(c)).containsExactly("api", "audit", "authenticator", "controllerManager", "scheduler");

        String keyArn = c.encryptionConfig().get(0).provider().keyArn();
        assertThat(c.encryptionConfig().get(0).resources()).containsExactly("secrets");
        assertThat(aws.kms().getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        assertThat(aws.kms().listAliases(r -> r.keyId(keyArn)).aliases()).extracting(a -> a.aliasName())
                .contains("alias/qualisys-eks-secrets");

        var providers = aws.iam().listOpenIDConnectProviders().openIDConnectProviderList();
        assertThat(providers).hasSize(1);
        String url = aws.iam().getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(providers.get(0).arn())).url();
        assertThat("https://" + url.replaceFirst("^https://", "")).isEqualTo(c.identity().oidc().issuer());

        assertThat(aws.eks().listAddons(r -> r.clusterName(CLUSTER)).addons()).containsExactlyInAnyOrder("vpc-cni", "kube-proxy", "coredns");
    }

    @Test
    @Order(2)
    void nodeGroupsRunInThePrivateSubnetsOnImdsV2LaunchTemplates() {
        Nodegroup general = nodegroup("qualisys-general");
        assertThat(general.instanceTypes()).containsExactly("t3.medium");
        assertThat(List.of(general.scalingConfig().minSize(), general.scalingConfig().maxSize(), general.scalingConfig().desiredSize()))
                .containsExactly(2, 10, 2);
        assertThat(general.labels()).containsEntry("node-type", "general");
        assertThat(general.taints()).isEmpty();
        assertThat(general.capacityTypeAsString()).isEqualTo("ON_DEMAND");

        Nodegroup playwright = nodegroup("qualisys-playwright-pool");
        assertThat(playwright.instanceTypes()).containsExactly("c5.xlarge");
        assertThat(List.of(playwright.scalingConfig().minSize(), playwright.scalingConfig().maxSize(), playwright.scalingConfig().desiredSize()))
                .containsExactly(5, 20, 5);
        assertThat(playwright.labels()).containsEntry("node-type", "playwright");
        assertThat(playwright.taints()).singleElement().satisfies(t -> {
            assertThat(t.key()).isEqualTo("workload");
            assertThat(t.value()).isEqualTo("playwright");
            assertThat(t.effect()).isEqualTo(TaintEffect.NO_SCHEDULE);
        });
        assertThat(playwright.subnets()).containsExactlyInAnyOrder(
                prerequisites.physicalIds.get("vpc/subnet/private-a"), prerequisites.physicalIds.get("vpc/subnet/private-b"));

        for (Nodegroup ng : List.of(general, playwright)) {
            LaunchTemplateVersion v = aws.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(ng.launchTemplate().id())
                    .versions(ng.launchTemplate().version())).launchTemplateVersions().get(0);
            assertThat(v.launchTemplateData().metadataOptions().httpTokensAsString()).isEqualTo("required");
            assertThat(v.launchTemplateData().securityGroupIds()).containsExactly(prerequisites.physicalIds.get("vpc/security-group/k8s-nodes"));
        }
        assertThat(aws.iam().listAttachedRolePolicies(r -> r.roleName("qualisys-eks-node-role")).attachedPolicies())
                .extracting(p -> p.policyName())
                .containsExactlyInAnyOrder("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly");
        assertThat(nodegroup("qualisys-general").nodeRole()).isEqualTo(aws.iam().getRole(r -> r.roleName("qualisys-eks-node-role")).role().arn());
    }

    @Test
    @Order(3)
    void irsaRolesTrustOnlyTheirOwnServiceAccountThroughTheOidcProvider() throws Exception {
        String issuer = aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster().identity().oidc().issuer().replaceFirst("^https://", "");
        String providerArn = aws.iam().listOpenIDConnectProviders().openIDConnectProviderList().get(0).arn();
        Map<String, String> accounts = Map.of("qualisys-cluster-autoscaler", "system:serviceaccount:kube-system:cluster-autoscaler",
                "qualisys-alb-controller", "system:serviceaccount:kube-system:aws-load-balancer-controller");
        for (var e : accounts.entrySet()) {
            String doc = aws.iam().getRole(r -> r.roleName(e.getKey())).role().assumeRolePolicyDocument();
            JsonNode statement = new ObjectMapper().readTree(doc.startsWith("%") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc)
                    .path("Statement").get(0);
            assertThat(statement.path("Principal").path("Federated").get(0).asText()).isEqualTo(providerArn);
            assertThat(statement.path("Action").get(0).asText()).isEqualTo("sts:AssumeRoleWithWebIdentity");
            JsonNode equals = statement.path("Condition").path("StringEquals");
            assertThat(equals.path(issuer + ":sub").asText()).isEqualTo(e.getValue());
            assertThat(equals.path(issuer + ":aud").asText()).isEqualTo("sts.amazonaws.com");
            assertThat(equals.size()).isEqualTo(2);
            assertThat(aws.iam().listRolePolicies(r -> r.roleName(e.getKey())).policyNames()).containsExactly(e.getKey());
        }
    }

    @Test
    @Order(4)
    void aSecondApplyMakesNoMutatingCallAndDriftReportsNone() {
        assertThat(eks.mutatingCallsOfApply()).isEmpty();
        aws.calls().reset();
        assertThat(eks.drift().isEmpty()).isTrue();
        // The cost of a drift check: one call per resource type (cluster, node groups, add-ons and roles one
        // describe each), plus the lookup of the VPC/IAM resources while those layers are absent.
        assertThat(aws.calls().total()).as("read calls of a drift check: %s", aws.calls().byOperation()).isLessThanOrEqualTo(30);
        assertThat(aws.calls().mutating()).isZero();
    }

    @Test
    @Order(10)
    void aRaisedMaximumIsDriftButTheAutoscalersDesiredSizeNeverIs() {
        // The cluster autoscaler scales out: that is its job, not drift.
        outOfBand.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                .scalingConfig(s -> s.desiredSize(12)));
        assertThat(eks.drift().isEmpty()).isTrue();
        assertThat(eks.mutatingCallsOfApply()).isEmpty();

        // Someone lifts the cap of the Playwright pool.
        outOfBand.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                .scalingConfig(s -> s.maxSize(50)));
        Plan drift = eks.drift();
        assertThat(drift.changes()).hasSize(1);
        assertThat(difference(drift, "eks/node-group/playwright-pool", "scaling.maxSize")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(20);
            assertThat(d.actual()).isEqualTo(50);
        });
        assertThat(LayerHarness.rendered(drift)).doesNotContain("desiredSize");

        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Eks.UpdateNodegroupConfig");
        Nodegroup ng = nodegroup("qualisys-playwright-pool");
        assertThat(ng.scalingConfig().maxSize()).isEqualTo(20);
        assertThat(ng.scalingConfig().desiredSize()).as("the autoscaler's choice is kept").isEqualTo(12);
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(11)
    void aLoweredMaximumBelowTheCurrentSizeIsRepairedKeepingTheSizeWithinBounds() {
        outOfBand.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-general")
                .scalingConfig(s -> s.minSize(1).maxSize(1).desiredSize(1)));
        Plan drift = eks.drift();
        assertThat(change(drift, "eks/node-group/general")).hasValueSatisfying(c -> assertThat(c.action()).isEqualTo(Action.UPDATE));
        assertThat(difference(drift, "eks/node-group/general", "scaling.minSize"))
                .hasValueSatisfying(d -> assertThat(List.of(d.expected(), d.actual())).containsExactly(2, 1));
        assertThat(difference(drift, "eks/node-group/general", "scaling.maxSize"))
                .hasValueSatisfying(d -> assertThat(List.of(d.expected(), d.actual())).containsExactly(10, 1));
        eks.apply();
        Nodegroup ng = nodegroup("qualisys-general");
        assertThat(List.of(ng.scalingConfig().minSize(), ng.scalingConfig().maxSize(), ng.scalingConfig().desiredSize()))
                .containsExactly(2, 10, 2);
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(12)
    void thePlaywrightTaintRemovedOutOfBandIsReportedAndPutBack() {
        outOfBand.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                .taints(t -> t.removeTaints(Taint.builder().key("workload").value("playwright").effect(TaintEffect.NO_SCHEDULE).build())));
        Plan drift = eks.drift();
        assertThat(difference(drift, "eks/node-group/playwright-pool", "taints")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(List.of("workload=playwright:NO_SCHEDULE"));
            assertThat(d.actual()).isEqualTo(List.of());
        });
        eks.apply();
        assertThat(nodegroup("qualisys-playwright-pool").taints()).extracting(Taint::key).containsExactly("workload");
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(13)
    void imdsV2MadeOptionalOnALaunchTemplateIsReportedAndTheNodesGoBackToARequiredVersion() {
        Nodegroup before = nodegroup("qualisys-playwright-pool");
        String templateId = before.launchTemplate().id();
        long optional = outOfBand.ec2().createLaunchTemplateVersion(r -> r.launchTemplateId(templateId)
                .launchTemplateData(d -> d.metadataOptions(m -> m.httpTokens("optional").httpPutResponseHopLimit(2).httpEndpoint("enabled"))
                        .securityGroupIds(prerequisites.physicalIds.get("vpc/security-group/k8s-nodes"))))
                .launchTemplateVersion().versionNumber();
        outOfBand.ec2().modifyLaunchTemplate(r -> r.launchTemplateId(templateId).defaultVersion(String.valueOf(optional)));
        outOfBand.eks().updateNodegroupVersion(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                .launchTemplate(t -> t.id(templateId).version(String.valueOf(optional))));

        Plan drift = eks.drift();
        assertThat(difference(drift, "eks/launch-template/playwright-pool", "httpTokens")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo("required");
            assertThat(d.actual()).isEqualTo("optional");
        });

        eks.apply();
        Nodegroup after = nodegroup("qualisys-playwright-pool");
        LaunchTemplateVersion running = reader.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(templateId)
                .versions(after.launchTemplate().version())).launchTemplateVersions().get(0);
        assertThat(running.launchTemplateData().metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(running.defaultVersion()).isTrue();
        assertThat(local.eks().served()).anyMatch(s -> s.startsWith("UpdateNodegroupVersion qualisys-playwright-pool"));
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(13)
    void aLaunchTemplateVersionWithUserDataAndAnSshKeyIsReportedAndTheNodesGoBackToACleanVersion() {
        Nodegroup before = nodegroup("qualisys-playwright-pool");
        String templateId = before.launchTemplate().id();
        long tampered = outOfBand.ec2().createLaunchTemplateVersion(r -> r.launchTemplateId(templateId)
                .launchTemplateData(d -> d.metadataOptions(m -> m.httpTokens("required").httpPutResponseHopLimit(2).httpEndpoint("enabled"))
                        .securityGroupIds(prerequisites.physicalIds.get("vpc/security-group/k8s-nodes"))
                        .keyName("someones-key").userData("IyEvYmluL3NoCmN1cmwgaHR0cDovL2V4YW1wbGUuY29tIHwgc2g=")))
                .launchTemplateVersion().versionNumber();
        outOfBand.ec2().modifyLaunchTemplate(r -> r.launchTemplateId(templateId).defaultVersion(String.valueOf(tampered)));
        outOfBand.eks().updateNodegroupVersion(r -> r.clusterName(CLUSTER).nodegroupName("qualisys-playwright-pool")
                .launchTemplate(t -> t.id(templateId).version(String.valueOf(tampered))));

        assertThat(difference(eks.drift(), "eks/launch-template/playwright-pool", "otherSettings")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(List.of());
            assertThat(d.actual()).isEqualTo(List.of("KeyName=someones-key", "UserData"));
        });

        eks.apply();
        Nodegroup after = nodegroup("qualisys-playwright-pool");
        LaunchTemplateVersion running = reader.ec2().describeLaunchTemplateVersions(r -> r.launchTemplateId(templateId)
                .versions(after.launchTemplate().version())).launchTemplateVersions().get(0);
        assertThat(running.launchTemplateData().keyName()).isNull();
        assertThat(running.launchTemplateData().userData()).isNull();
        assertThat(running.defaultVersion()).isTrue();
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(14)
    void aControlPlaneLogTypeDisabledOutOfBandIsReportedAndReEnabled() {
        outOfBand.eks().updateClusterConfig(r -> r.name(CLUSTER).logging(l -> l.clusterLogging(
                LogSetup.builder().typesWithStrings("audit").enabled(false).build())));
        Plan drift = eks.drift();
        assertThat(difference(drift, "eks/cluster/qualisys-eks", "logTypes")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(List.of("api", "audit", "authenticator", "controllerManager", "scheduler"));
            assertThat(d.actual()).isEqualTo(List.of("api", "authenticator", "controllerManager", "scheduler"));
        });
        assertThat(change(drift, "eks/cluster/qualisys-eks").orElseThrow().destructive()).isFalse();

        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Eks.UpdateClusterConfig");
        assertThat(Clusters.enabledLogTypes(reader.eks().describeCluster(r -> r.name(CLUSTER)).cluster()))
                .containsExactly("api", "audit", "authenticator", "controllerManager", "scheduler");
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(17)
    void thePublicEndpointSwitchedOffOutOfBandIsReportedAndSwitchedBackOn() {
        outOfBand.eks().updateClusterConfig(r -> r.name(CLUSTER).resourcesVpcConfig(v -> v.endpointPublicAccess(false)));
        Plan drift = eks.drift();
        assertThat(drift.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.differences()).containsExactly(new com.qualisys.controlplane.engine.Difference("endpointPublicAccess", true, false));
        });
        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Eks.UpdateClusterConfig");
        Cluster c = reader.eks().describeCluster(r -> r.name(CLUSTER)).cluster();
        assertThat(c.resourcesVpcConfig().endpointPublicAccess()).isTrue();
        assertThat(c.resourcesVpcConfig().subnetIds()).hasSize(2);
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(15)
    void keyRotationSwitchedOffIsReportedAndSwitchedBackOn() {
        String keyArn = aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster().encryptionConfig().get(0).provider().keyArn();
        outOfBand.kms().disableKeyRotation(r -> r.keyId(keyArn));
        assertThat(difference(eks.drift(), "eks/kms-key/secrets", "rotation"))
                .hasValueSatisfying(d -> assertThat(List.of(d.expected(), d.actual())).containsExactly(true, false));
        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Kms.EnableKeyRotation");
        assertThat(reader.kms().getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(16)
    void anIrsaTrustWidenedToEveryServiceAccountIsReportedAndNarrowedAgain() {
        String original = aws.iam().getRole(r -> r.roleName("qualisys-alb-controller")).role().assumeRolePolicyDocument();
        String decoded = original.startsWith("%") ? URLDecoder.decode(original, StandardCharsets.UTF_8) : original;
        outOfBand.iam().updateAssumeRolePolicy(r -> r.roleName("qualisys-alb-controller").policyDocument(
                decoded.replace("StringEquals", "StringLike").replace("system:serviceaccount:kube-system:aws-load-balancer-controller",
                        "system:serviceaccount:*:*")));
        assertThat(difference(eks.drift(), "eks/role/qualisys-alb-controller", "assumeRolePolicy.Statement")).hasValueSatisfying(d -> {
            assertThat(String.valueOf(d.expected())).contains("StringEquals", "system:serviceaccount:kube-system:aws-load-balancer-controller")
                    .doesNotContain("system:serviceaccount:*:*");
            assertThat(String.valueOf(d.actual())).contains("StringLike", "system:serviceaccount:*:*");
        });
        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Iam.UpdateAssumeRolePolicy");
        String repaired = reader.iam().getRole(r -> r.roleName("qualisys-alb-controller")).role().assumeRolePolicyDocument();
        assertThat(repaired.startsWith("%") ? URLDecoder.decode(repaired, StandardCharsets.UTF_8) : repaired).as("the trust, read back")
                .contains("StringEquals", "system:serviceaccount:kube-system:aws-load-balancer-controller")
                .doesNotContain("system:serviceaccount:*:*");
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(18)
    void anInlinePolicyAddedToTheNodeRoleOutOfBandIsReportedAndRemoved() {
        outOfBand.iam().putRolePolicy(r -> r.roleName("qualisys-eks-node-role").policyName("convenience")
                .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));
        assertThat(difference(eks.drift(), "eks/role/qualisys-eks-node-role", "inlinePolicies"))
                .hasValueSatisfying(d -> assertThat(List.of(d.expected(), d.actual())).containsExactly(List.of(), List.of("convenience")));
        assertThat(eks.mutatingCallsOfApply()).containsOnlyKeys("Iam.DeleteRolePolicy");
        assertThat(reader.iam().listRolePolicies(r -> r.roleName("qualisys-eks-node-role")).policyNames()).isEmpty();
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(19)
    void theClusterItsProviderTemplateRoleAndKeyWhoseIdentityTagsWereRemovedAreFoundReportedAndTaggedAgainNotDuplicated() {
        List<String> identity = List.of("qualisys:environment", "qualisys:logical-id", "qualisys:managed-by");
        Cluster cluster = aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster();
        String keyArn = cluster.encryptionConfig().get(0).provider().keyArn();
        String providerArn = aws.iam().listOpenIDConnectProviders().openIDConnectProviderList().getFirst().arn();
        var template = aws.ec2().describeLaunchTemplates(r -> r.launchTemplateNames(CLUSTER + "-general")).launchTemplates().getFirst();
        outOfBand.eks().untagResource(r -> r.resourceArn(cluster.arn()).tagKeys(identity));
        outOfBand.kms().untagResource(r -> r.keyId(keyArn).tagKeys(identity));
        outOfBand.iam().untagOpenIDConnectProvider(r -> r.openIDConnectProviderArn(providerArn).tagKeys(identity));
        outOfBand.iam().untagRole(r -> r.roleName("qualisys-eks-node-role").tagKeys(identity));
        outOfBand.ec2().deleteTags(r -> r.resources(template.launchTemplateId()).tags(identity.stream()
                .map(k -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(k).build()).toList()));

        int roles = aws.iam().listRoles().roles().size();

        Plan drift = eks.drift();
        // The node role is found by its name (the one IAM role kind), like the others by theirs.
        List<String> lost = List.of("eks/cluster/qualisys-eks", "eks/kms-key/secrets", "eks/oidc-provider/qualisys-eks",
                "eks/launch-template/general", "eks/role/qualisys-eks-node-role");
        assertThat(drift.changes()).as(LayerHarness.rendered(drift)).extracting(com.qualisys.controlplane.engine.Change::logicalId)
                .containsExactlyInAnyOrderElementsOf(lost);
        assertThat(change(drift, "eks/role/qualisys-eks-node-role").orElseThrow().physicalId()).endsWith(":role/qualisys-eks-node-role");
        for (String id : lost) {
            assertThat(change(drift, id)).hasValueSatisfying(c -> {
                assertThat(c.action()).isEqualTo(Action.UPDATE);
                assertThat(c.differences()).containsExactly(com.qualisys.controlplane.engine.ObservedResource.IDENTITY_TAGS_REMOVED);
            });
        }
        assertThat(change(drift, "eks/cluster/qualisys-eks").orElseThrow().physicalId()).isEqualTo(CLUSTER);
        assertThat(change(drift, "eks/kms-key/secrets").orElseThrow().physicalId()).isEqualTo(keyArn);

        assertThat(eks.mutatingCallsOfApply()).containsExactlyInAnyOrderEntriesOf(Map.of("Eks.TagResource", 1, "Kms.TagResource", 1,
                "Iam.TagOpenIDConnectProvider", 1, "Iam.TagRole", 1, "Ec2.CreateTags", 1));
        assertThat(aws.eks().listClusters().clusters()).containsExactly(CLUSTER);
        assertThat(reader.iam().listRoles().roles()).hasSize(roles);
        assertThat(reader.iam().listRoleTags(r -> r.roleName("qualisys-eks-node-role")).tags())
                .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("qualisys:logical-id=eks/role/qualisys-eks-node-role"));
        assertThat(aws.iam().listOpenIDConnectProviders().openIDConnectProviderList()).singleElement()
                .extracting(p -> p.arn()).isEqualTo(providerArn);
        assertThat(aws.ec2().describeLaunchTemplates(r -> r.launchTemplateNames(CLUSTER + "-general")).launchTemplates()).singleElement()
                .extracting(t -> t.launchTemplateId()).isEqualTo(template.launchTemplateId());
        assertThat(aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster().encryptionConfig().get(0).provider().keyArn()).isEqualTo(keyArn);
        assertThat(aws.eks().describeCluster(r -> r.name(CLUSTER)).cluster().tags()).containsEntry("qualisys:logical-id", "eks/cluster/qualisys-eks");
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(21)
    void aNodeGroupAndAnAddOnWhoseIdentityTagsWereRemovedAreFoundReportedAndTaggedAgainNotDuplicated() {
        List<String> identity = List.of("qualisys:environment", "qualisys:logical-id", "qualisys:managed-by");
        Nodegroup general = nodegroup("qualisys-general");
        String addonArn = aws.eks().describeAddon(r -> r.clusterName(CLUSTER).addonName("coredns")).addon().addonArn();
        List<String> nodegroups = aws.eks().listNodegroups(r -> r.clusterName(CLUSTER)).nodegroups();
        List<String> addons = aws.eks().listAddons(r -> r.clusterName(CLUSTER)).addons();
        outOfBand.eks().untagResource(r -> r.resourceArn(general.nodegroupArn()).tagKeys(identity));
        outOfBand.eks().untagResource(r -> r.resourceArn(addonArn).tagKeys(identity));
        assertThat(reader.eks().listTagsForResource(r -> r.resourceArn(general.nodegroupArn())).tags()).doesNotContainKeys(identity.toArray(String[]::new));
        assertThat(reader.eks().listTagsForResource(r -> r.resourceArn(addonArn)).tags()).doesNotContainKeys(identity.toArray(String[]::new));

        Plan drift = eks.drift();
        List<String> lost = List.of("eks/node-group/general", "eks/addon/coredns");
        assertThat(drift.changes()).as(LayerHarness.rendered(drift)).extracting(com.qualisys.controlplane.engine.Change::logicalId)
                .containsExactlyInAnyOrderElementsOf(lost);
        LayerHarness.assertOnlyIdentityTagsRemoved(drift, lost);
        assertThat(change(drift, "eks/node-group/general").orElseThrow().physicalId()).isEqualTo("qualisys-general");
        assertThat(change(drift, "eks/addon/coredns").orElseThrow().physicalId()).isEqualTo("coredns");
        assertThat(LayerHarness.rendered(drift)).contains("identity tags removed");

        assertThat(eks.mutatingCallsOfApply()).containsExactlyEntriesOf(Map.of("Eks.TagResource", 2));
        assertThat(reader.eks().listNodegroups(r -> r.clusterName(CLUSTER)).nodegroups()).containsExactlyInAnyOrderElementsOf(nodegroups);
        assertThat(reader.eks().listAddons(r -> r.clusterName(CLUSTER)).addons()).containsExactlyInAnyOrderElementsOf(addons);
        assertThat(nodegroup("qualisys-general").nodegroupArn()).isEqualTo(general.nodegroupArn());
        assertThat(nodegroup("qualisys-general").tags()).containsEntry("qualisys:logical-id", "eks/node-group/general");
        assertThat(reader.eks().describeAddon(r -> r.clusterName(CLUSTER).addonName("coredns")).addon().tags())
                .containsEntry("qualisys:logical-id", "eks/addon/coredns").containsEntry("qualisys:environment", "dev");
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(20)
    void newClusterSubnetsAreAReplaceThatIsNeverAppliedWithoutApproval() {
        EnvironmentSpec moved = SpecVariant.of("dev", "eks:\n  nodeSubnetTier: database\n");
        LayerHarness variant = new LayerHarness(moved, aws, new EksLayer());
        Plan plan = variant.drift();
        assertThat(change(plan, "eks/cluster/qualisys-eks")).hasValueSatisfying(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.destructive()).isTrue();
        });
        aws.calls().reset();
        assertThatThrownBy(variant::apply).isInstanceOf(ApprovalRequiredException.class)
                .hasMessageContaining("REPLACE eks/cluster/qualisys-eks");
        assertThat(aws.calls().mutating()).isZero();
        assertThat(eks.drift().isEmpty()).isTrue();
    }

    private Nodegroup nodegroup(String name) {
        return reader.eks().describeNodegroup(r -> r.clusterName(CLUSTER).nodegroupName(name)).nodegroup();
    }
}
