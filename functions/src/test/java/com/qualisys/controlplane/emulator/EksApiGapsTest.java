package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.layers.EmulatedAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.LogType;
import software.amazon.awssdk.services.eks.model.NodegroupStatus;
import software.amazon.awssdk.services.eks.model.UpdateParamType;
import software.amazon.awssdk.services.eks.model.UpdateStatus;
import software.amazon.awssdk.services.eks.model.UpdateType;

/**
 * The EKS stub refuses what the EKS API reference says EKS refuses: version jumps and versions it
 * does not offer (UpdateClusterVersion), two kinds of configuration in one UpdateClusterConfig or
 * a request that changes nothing, any update while the cluster is UPDATING (ResourceInUseException),
 * add-ons EKS does not publish; and add-ons go with their cluster.
 */
class EksApiGapsTest {
    private EmulatedAccount account;
    private AwsClients aws;
    private String subnet;
    private String role;

    @BeforeEach
    void cluster() {
        account = EmulatedAccount.fresh();
        aws = account.clients();
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.8.0.0/16")).vpc().vpcId();
        subnet = aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.8.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        role = aws.iam().createRole(r -> r.roleName("strict").assumeRolePolicyDocument("{}")).role().arn();
        aws.eks().createCluster(r -> r.name("strict").roleArn(role).version("1.29").resourcesVpcConfig(v -> v.subnetIds(subnet)
                .endpointPublicAccess(true).endpointPrivateAccess(false)));
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private EksException refused(Runnable call) {
        EksException e = catchThrowableOfType(EksException.class, call::run);
        assertThat(e).as("EKS must refuse this").isNotNull();
        return e;
    }

    @Test
    void versionsGoUpOneMinorAtATimeToOfferedVersionsAndTheClusterIsUpdatingMeanwhile() {
        EksException jump = refused(() -> aws.eks().updateClusterVersion(r -> r.name("strict").version("1.31")));
        assertThat(jump.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(jump.getMessage()).contains("1.29", "1.31", "one minor version at a time");
        assertThat(refused(() -> aws.eks().updateClusterVersion(r -> r.name("strict").version("1.28"))).getMessage()).contains("not offered");

        var update = aws.eks().updateClusterVersion(r -> r.name("strict").version("1.30")).update();
        assertThat(update.type()).isEqualTo(UpdateType.VERSION_UPDATE);
        assertThat(update.params()).anySatisfy(p -> {
            assertThat(p.type()).isEqualTo(UpdateParamType.VERSION);
            assertThat(p.value()).isEqualTo("1.30");
        });
        EksException inUse = refused(() -> aws.eks().updateClusterVersion(r -> r.name("strict").version("1.31")));
        assertThat(inUse.awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");
        assertThat(inUse.statusCode()).isEqualTo(409);

        assertThat(aws.eks().describeCluster(r -> r.name("strict")).cluster().status()).isEqualTo(ClusterStatus.UPDATING);
        assertThat(aws.eks().describeCluster(r -> r.name("strict")).cluster().status()).isEqualTo(ClusterStatus.ACTIVE);
        aws.eks().updateClusterVersion(r -> r.name("strict").version("1.31"));
    }

    @Test
    void updateClusterConfigTakesOneKindOfChangeAndAnswersTheDocumentedUpdate() {
        EksException both = refused(() -> aws.eks().updateClusterConfig(r -> r.name("strict")
                .logging(l -> l.clusterLogging(c -> c.types(LogType.API).enabled(true)))
                .resourcesVpcConfig(v -> v.endpointPrivateAccess(true))));
        assertThat(both.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(both.getMessage()).contains("logging", "resourcesVpcConfig");

        var logging = aws.eks().updateClusterConfig(r -> r.name("strict").logging(l -> l.clusterLogging(c -> c.types(LogType.AUDIT).enabled(true)))).update();
        assertThat(logging.type()).isEqualTo(UpdateType.LOGGING_UPDATE);
        assertThat(logging.params()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(UpdateParamType.CLUSTER_LOGGING);
            assertThat(p.value()).contains("audit");
        });
        assertThat(refused(() -> aws.eks().updateClusterConfig(r -> r.name("strict").resourcesVpcConfig(v -> v.endpointPrivateAccess(true))))
                .awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");
        aws.eks().describeCluster(r -> r.name("strict"));

        var endpoint = aws.eks().updateClusterConfig(r -> r.name("strict").resourcesVpcConfig(v -> v.endpointPrivateAccess(true))).update();
        assertThat(endpoint.type()).isEqualTo(UpdateType.ENDPOINT_ACCESS_UPDATE);
        assertThat(endpoint.params()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo(UpdateParamType.ENDPOINT_PRIVATE_ACCESS);
            assertThat(p.value()).isEqualTo("true");
        });
        aws.eks().describeCluster(r -> r.name("strict"));
        EksException nothing = refused(() -> aws.eks().updateClusterConfig(r -> r.name("strict").resourcesVpcConfig(v -> v.endpointPrivateAccess(true))));
        assertThat(nothing.getMessage()).contains("No changes needed");
    }

    @Test
    void addOnsMustBePublishedAndGoWithTheirCluster() {
        EksException unknown = refused(() -> aws.eks().createAddon(r -> r.clusterName("strict").addonName("my-cni")));
        assertThat(unknown.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(unknown.getMessage()).contains("my-cni");
        assertThat(refused(() -> aws.eks().createAddon(r -> r.clusterName("strict").addonName("coredns").addonVersion("v9.9.9-eksbuild.1")))
                .getMessage()).contains("v9.9.9-eksbuild.1", "1.29");

        aws.eks().createAddon(r -> r.clusterName("strict").addonName("coredns"));
        assertThat(aws.eks().listAddons(r -> r.clusterName("strict")).addons()).containsExactly("coredns");
        aws.eks().deleteCluster(r -> r.name("strict"));
        aws.eks().createCluster(r -> r.name("strict").roleArn(role).version("1.29").resourcesVpcConfig(v -> v.subnetIds(subnet)));
        assertThat(aws.eks().listAddons(r -> r.clusterName("strict")).addons()).as("a new cluster of the same name has no add-ons").isEmpty();
    }

    /**
     * UpdateNodegroupConfig and UpdateNodegroupVersion (Errors: ResourceInUseException, "The specified resource
     * is in use"): each answers the update it started (InProgress, with the documented UpdateParam types), the
     * node group is UPDATING meanwhile, and no second update starts until it is ACTIVE again; a node group
     * still CREATING cannot be updated either.
     */
    @Test
    void aNodeGroupTakesOneUpdateAtATimeAndIsUpdatingMeanwhile() {
        EksApiGaps eks = EmulatedAccount.local().eks();
        eks.nodegroupsUpdatingFor(1);
        aws.eks().createNodegroup(r -> r.clusterName("strict").nodegroupName("workers").nodeRole(role).subnets(subnet)
                .scalingConfig(c -> c.minSize(1).maxSize(3).desiredSize(2)));

        var update = aws.eks().updateNodegroupConfig(r -> r.clusterName("strict").nodegroupName("workers")
                .scalingConfig(c -> c.minSize(2).maxSize(4))).update();
        assertThat(update.status()).isEqualTo(UpdateStatus.IN_PROGRESS);
        assertThat(update.type()).isEqualTo(UpdateType.CONFIG_UPDATE);
        assertThat(update.params()).extracting(p -> p.type() + "=" + p.value()).containsExactly("MinSize=2", "MaxSize=4");

        EksException inUse = refused(() -> aws.eks().updateNodegroupVersion(r -> r.clusterName("strict").nodegroupName("workers")
                .launchTemplate(t -> t.id("lt-0123456789abcdef0").version("2"))));
        assertThat(inUse.awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(inUse.getMessage()).contains("workers", "UPDATING");

        var updating = aws.eks().describeNodegroup(r -> r.clusterName("strict").nodegroupName("workers")).nodegroup();
        assertThat(updating.status()).isEqualTo(NodegroupStatus.UPDATING);
        assertThat(updating.scalingConfig().minSize()).as("the update itself was carried out").isEqualTo(2);
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("strict").nodegroupName("workers")).nodegroup().status())
                .isEqualTo(NodegroupStatus.ACTIVE);
        assertThat(aws.eks().updateNodegroupVersion(r -> r.clusterName("strict").nodegroupName("workers")
                .launchTemplate(t -> t.id("lt-0123456789abcdef0").version("2"))).update().type()).isEqualTo(UpdateType.VERSION_UPDATE);
        assertThat(refused(() -> aws.eks().updateNodegroupConfig(r -> r.clusterName("strict").nodegroupName("workers")
                .scalingConfig(c -> c.minSize(1).maxSize(4)))).awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");

        eks.finishNodegroupUpdates();
        eks.holdNodegroup("strict", "workers", "CREATING");
        try {
            EksException creating = refused(() -> aws.eks().updateNodegroupConfig(r -> r.clusterName("strict").nodegroupName("workers")
                    .scalingConfig(c -> c.minSize(1).maxSize(4))));
            assertThat(creating.awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");
            assertThat(creating.getMessage()).contains("CREATING");
        } finally {
            eks.releaseNodegroup("strict", "workers");
        }
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("strict").nodegroupName("workers")).nodegroup().scalingConfig().minSize())
                .as("refused updates changed nothing").isEqualTo(2);
    }

    /**
     * TagResource, UntagResource and ListTagsForResource work on node groups and add-ons as on clusters (moto's own
     * work on clusters only), and DescribeNodegroup / DescribeAddon show the result; an ARN of nothing is
     * NotFoundException (HTTP 404).
     */
    @Test
    void nodeGroupsAndAddOnsAreTaggedAndUntaggedByTheirArn() {
        String nodegroup = aws.eks().createNodegroup(r -> r.clusterName("strict").nodegroupName("workers").nodeRole(role).subnets(subnet)
                .tags(java.util.Map.of("team", "qa", "keep", "yes"))).nodegroup().nodegroupArn();
        String addon = aws.eks().createAddon(r -> r.clusterName("strict").addonName("coredns")
                .tags(java.util.Map.of("team", "qa", "keep", "yes"))).addon().addonArn();
        for (String arn : java.util.List.of(nodegroup, addon)) {
            aws.eks().untagResource(r -> r.resourceArn(arn).tagKeys("team"));
            aws.eks().tagResource(r -> r.resourceArn(arn).tags(java.util.Map.of("owner", "platform")));
            assertThat(aws.eks().listTagsForResource(r -> r.resourceArn(arn)).tags()).containsExactlyInAnyOrderEntriesOf(
                    java.util.Map.of("keep", "yes", "owner", "platform"));
        }
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("strict").nodegroupName("workers")).nodegroup().tags())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("keep", "yes", "owner", "platform"));
        assertThat(aws.eks().describeAddon(r -> r.clusterName("strict").addonName("coredns")).addon().tags())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("keep", "yes", "owner", "platform"));

        EksException gone = refused(() -> aws.eks().tagResource(r -> r.resourceArn(nodegroup.replace("/workers/", "/nobody/"))
                .tags(java.util.Map.of("a", "b"))));
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(refused(() -> aws.eks().untagResource(r -> r.resourceArn(addon + "x").tagKeys("keep"))).statusCode()).isEqualTo(404);
    }

    /** CreateNodegroup and CreateAddon (Errors: InvalidRequestException, "invalid given the state of the cluster") need it created. */
    @Test
    void nothingIsCreatedInAClusterThatIsStillCreating() {
        EksApiGaps eks = EmulatedAccount.local().eks();
        eks.holdCluster("strict", "CREATING");
        try {
            EksException nodegroup = refused(() -> aws.eks().createNodegroup(r -> r.clusterName("strict").nodegroupName("early")
                    .nodeRole(role).subnets(subnet)));
            assertThat(nodegroup.awsErrorDetails().errorCode()).isEqualTo("InvalidRequestException");
            assertThat(nodegroup.statusCode()).isEqualTo(400);
            assertThat(nodegroup.getMessage()).contains("strict", "CREATING");
            assertThat(refused(() -> aws.eks().createAddon(r -> r.clusterName("strict").addonName("vpc-cni"))).awsErrorDetails().errorCode())
                    .isEqualTo("InvalidRequestException");
        } finally {
            eks.releaseCluster("strict");
        }
        assertThat(aws.eks().listNodegroups(r -> r.clusterName("strict")).nodegroups()).as("nothing was created").isEmpty();
        aws.eks().createNodegroup(r -> r.clusterName("strict").nodegroupName("early").nodeRole(role).subnets(subnet));
        aws.eks().createAddon(r -> r.clusterName("strict").addonName("vpc-cni"));
    }
}
