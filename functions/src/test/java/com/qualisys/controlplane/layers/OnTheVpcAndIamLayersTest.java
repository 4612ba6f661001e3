package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.iam.IamLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * The EKS and RDS layers on top of the real IAM and VPC layers, in one run as the provision
 * state machine does it: their refs (subnets, security groups, DB subnet group, cluster role)
 * resolve through the resource index, which observes the owning layers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnTheVpcAndIamLayersTest {
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final List<Layer> layers = List.of(new IamLayer(), new VpcLayer(), new EksLayer(), new RdsLayer());
    AwsClients aws;

    @BeforeAll
    void provision() {
        aws = EmulatedAccount.fresh().clients();
        Reconciler run = new Reconciler(spec, aws, layers);
        for (String layer : run.layerNames()) assertThat(run.apply(layer, false).isComplete()).isTrue();
    }

    @AfterAll
    void close() {
        aws.close();
    }

    @Test
    void theClusterRunsInTheVpcLayersPrivateSubnetsWithTheIamLayersRole() {
        Cluster c = aws.eks().describeCluster(r -> r.name("qualisys-eks")).cluster();
        var privateSubnets = aws.ec2().describeSubnets(r -> r.filters(f -> f.name("tag:qualisys:logical-id")
                .values("vpc/subnet/private-a", "vpc/subnet/private-b"))).subnets();
        assertThat(c.resourcesVpcConfig().subnetIds()).containsExactlyInAnyOrderElementsOf(
                privateSubnets.stream().map(s -> s.subnetId()).toList());
        assertThat(c.roleArn()).isEqualTo(aws.iam().getRole(r -> r.roleName("QualisysEKSService")).role().arn());
    }

    @Test
    void theInstanceUsesTheVpcLayersSubnetGroupAndRdsSecurityGroup() {
        DBInstance db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("qualisys-db")).dbInstances().get(0);
        assertThat(db.dbSubnetGroup().dbSubnetGroupName()).isEqualTo("qualisys-db-subnet-group");
        String rdsSg = aws.ec2().describeSecurityGroups(r -> r.filters(f -> f.name("tag:qualisys:logical-id")
                .values("vpc/security-group/rds"))).securityGroups().get(0).groupId();
        assertThat(db.vpcSecurityGroups()).extracting(g -> g.vpcSecurityGroupId()).containsExactly(rdsSg);
    }

    @Test
    void aSecondRunChangesNothingAndNoLayerReportsDrift() {
        aws.calls().reset();
        Reconciler run = new Reconciler(spec, aws, layers);
        for (String layer : run.layerNames()) {
            assertThat(run.plan(layer).changes()).as("drift of %s", layer).isEmpty();
        }
        Reconciler again = new Reconciler(spec, aws, layers);
        for (String layer : again.layerNames()) again.apply(layer, false);
        assertThat(aws.calls().mutating()).isZero();
    }
}
