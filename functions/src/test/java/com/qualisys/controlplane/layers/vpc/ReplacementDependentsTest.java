package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DestructiveApproval;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * A REPLACE carries its dependents (issue #19): the resources that refer to the replaced one by id are
 * planned in the same plan, in dependency order, and the approved apply converges in one run.
 */
class ReplacementDependentsTest {
    static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    static MotoServer moto;

    @BeforeEach
    void theSeedsNetworkIsApplied() {
        moto = MotoServer.shared();
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
        }
    }

    @Test
    void changingThePublicBSubnetCidrPlansItsNatGatewayRouteTableAndNaclAssociationsAndConvergesInOneApply() {
        EnvironmentSpec moved = withVpc(vpc -> {
            Map<String, VpcSpec.Subnet> subnets = new LinkedHashMap<>(vpc.subnets());
            subnets.put("public-b", new VpcSpec.Subnet(VpcSpec.Tier.PUBLIC, "us-east-1b", "10.0.3.0/24"));
            return new VpcSpec(vpc.name(), vpc.cidr(), vpc.availabilityZones(), subnets, vpc.subnetTags(), vpc.natGatewayPerAz(),
                    vpc.securityGroups(), vpc.networkAcls(), vpc.flowLogs(), vpc.dbSubnetGroup(), vpc.cacheSubnetGroup());
        });
        try (AwsClients aws = moto.clients(); LiveVpc live = new LiveVpc(moto.clients(), SPEC.environment())) {
            String oldSubnet = live.subnet("public-b").subnetId();
            String oldNat = live.natGateway("b").natGatewayId();

            Plan plan = new Reconciler(moved, aws, List.of(new VpcLayer())).plan("vpc");

            Map<String, Change> byId = new LinkedHashMap<>();
            plan.changes().forEach(c -> byId.put(c.logicalId(), c));
            assertThat(byId.keySet()).containsExactly("vpc/subnet/public-b", "vpc/nat-gateway/b", "vpc/route-table/public",
                    "vpc/route-table/private-b", "vpc/network-acl/public");
            Change subnet = byId.get("vpc/subnet/public-b");
            assertThat(subnet.action()).isEqualTo(Action.REPLACE);
            assertThat(subnet.forcesReplacement()).containsExactly("cidr");
            assertThat(subnet.forcedBy()).isEmpty();
            Change nat = byId.get("vpc/nat-gateway/b");
            assertThat(nat.action()).isEqualTo(Action.REPLACE);
            assertThat(nat.forcesReplacement()).containsExactly("subnet");
            assertThat(nat.forcedBy()).containsExactly("vpc/subnet/public-b");
            assertThat(byId.get("vpc/route-table/public").action()).isEqualTo(Action.UPDATE);
            assertThat(byId.get("vpc/route-table/public").forcedBy()).containsExactly("vpc/subnet/public-b");
            assertThat(byId.get("vpc/network-acl/public").forcedBy()).containsExactly("vpc/subnet/public-b");
            assertThat(byId.get("vpc/route-table/private-b").action()).isEqualTo(Action.UPDATE);
            assertThat(byId.get("vpc/route-table/private-b").forcedBy()).containsExactly("vpc/nat-gateway/b");

            String text = ReportRenderer.text(new Report("dev", "plan", Instant.EPOCH, List.of(plan), Map.of()));
            assertThat(text).contains("-/+ vpc/subnet/public-b (subnet)")
                    .contains("~ cidr: 10.0.2.0/24 -> 10.0.3.0/24  # forces replacement")
                    .contains("-/+ vpc/nat-gateway/b (nat-gateway)  [destructive: needs approval]  (forced by the replacement of vpc/subnet/public-b)")
                    .contains("~ subnet: " + oldSubnet + " -> vpc/subnet/public-b (known after apply)  # forces replacement")
                    .contains("- 0.0.0.0/0 -> " + oldNat)
                    .contains("+ 0.0.0.0/0 -> vpc/nat-gateway/b (known after apply)")
                    .doesNotContain("ref:");

            Reconciler.ApplyResult result = new Reconciler(moved, aws, List.of(new VpcLayer()))
                    .apply("vpc", null, DestructiveApproval.of(plan.destructiveDigest()));

            assertThat(result.isComplete()).isTrue();
            assertThat(result.applied()).extracting(Change::logicalId).containsExactlyElementsOf(byId.keySet());
            String newSubnet = live.subnet("public-b").subnetId();
            assertThat(newSubnet).isNotEqualTo(oldSubnet);
            assertThat(live.subnet("public-b").cidrBlock()).isEqualTo("10.0.3.0/24");
            assertThat(live.subnets()).extracting(s -> s.subnetId()).doesNotContain(oldSubnet);
            String newNat = live.natGateway("b").natGatewayId();
            assertThat(newNat).isNotEqualTo(oldNat);
            assertThat(live.natGateway("b").subnetId()).isEqualTo(newSubnet);
            assertThat(live.routeTable("public").associations()).extracting(RouteTableAssociation::subnetId)
                    .contains(newSubnet, live.subnet("public-a").subnetId()).doesNotContain(oldSubnet);
            assertThat(live.routeTable("private-b").routes())
                    .anyMatch(r -> "0.0.0.0/0".equals(r.destinationCidrBlock()) && newNat.equals(r.natGatewayId()));
            assertThat(live.networkAcl("public").associations()).extracting(NetworkAclAssociation::subnetId)
                    .contains(newSubnet).doesNotContain(oldSubnet);

            assertThat(new Reconciler(moved, aws, List.of(new VpcLayer())).plan("vpc").changes()).isEmpty();
        }
    }

    /** Another kind, found the same way: the groups whose rules admit a replaced security group follow it. */
    @Test
    void replacingTheDbFunctionsSecurityGroupUpdatesTheRdsGroupsRuleThatAdmitsItInTheSameApply() {
        EnvironmentSpec renamed = withVpc(vpc -> {
            Map<String, VpcSpec.SecurityGroup> groups = new LinkedHashMap<>(vpc.securityGroups());
            VpcSpec.SecurityGroup g = groups.get("db-functions");
            groups.put("db-functions", new VpcSpec.SecurityGroup(g.name(), g.description() + " (v2)", g.ingress(), g.egress()));
            return new VpcSpec(vpc.name(), vpc.cidr(), vpc.availabilityZones(), vpc.subnets(), vpc.subnetTags(), vpc.natGatewayPerAz(),
                    groups, vpc.networkAcls(), vpc.flowLogs(), vpc.dbSubnetGroup(), vpc.cacheSubnetGroup());
        });
        try (AwsClients aws = moto.clients(); LiveVpc live = new LiveVpc(moto.clients(), SPEC.environment())) {
            String oldGroup = live.securityGroup("db-functions").groupId();

            Plan plan = new Reconciler(renamed, aws, List.of(new VpcLayer())).plan("vpc");

            assertThat(plan.changes()).extracting(Change::logicalId, Change::action).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("vpc/security-group/db-functions", Action.REPLACE),
                    org.assertj.core.groups.Tuple.tuple("vpc/security-group/rds", Action.UPDATE));
            assertThat(plan.changes().get(0).forcesReplacement()).containsExactly("description");
            assertThat(plan.changes().get(1).forcedBy()).containsExactly("vpc/security-group/db-functions");

            new Reconciler(renamed, aws, List.of(new VpcLayer())).apply("vpc", null, DestructiveApproval.of(plan.destructiveDigest()));

            String newGroup = live.securityGroup("db-functions").groupId();
            assertThat(newGroup).isNotEqualTo(oldGroup);
            List<String> admitted = live.securityGroup("rds").ipPermissions().stream().map(IpPermission::userIdGroupPairs)
                    .flatMap(List::stream).map(UserIdGroupPair::groupId).toList();
            assertThat(admitted).contains(newGroup).doesNotContain(oldGroup);
            assertThat(new Reconciler(renamed, aws, List.of(new VpcLayer())).plan("vpc").changes()).isEmpty();
        }
    }

    private static EnvironmentSpec withVpc(UnaryOperator<VpcSpec> change) {
        return new EnvironmentSpec(SPEC.environment(), SPEC.aws(), SPEC.state(), SPEC.account(), SPEC.iam(), SPEC.monitoring(),
                change.apply(SPEC.vpc()), SPEC.eks(), SPEC.rds(), SPEC.kubernetes(), SPEC.responses(), SPEC.drift());
    }
}
