package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.spec.VpcSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.PortRange;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteOrigin;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/** The canonical strings of rules, entries and routes: what the spec says and what AWS returns read the same. */
class VpcEncodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"tcp:5432:sg:k8s-nodes", "all:self", "tcp:80:0.0.0.0/0", "tcp:1024-65535:10.0.0.0/16",
            "all:sg-0abc", "udp:53:::/0", "icmp:-1:0.0.0.0/0", "tcp:443:pl-123"})
    void securityGroupRulesRoundTrip(String rule) {
        assertThat(SecurityGroupRules.Rule.parse(rule).encode()).isEqualTo(rule);
    }

    @Test
    void aSpecRuleAndTheLiveRuleAwsReturnsForItEncodeAlike() {
        String fromSpec = SecurityGroupRules.encode(new VpcSpec.SecurityGroupRule("tcp", "5432", "sg:k8s-nodes"));
        IpPermission live = IpPermission.builder().ipProtocol("tcp").fromPort(5432).toPort(5432)
                .userIdGroupPairs(UserIdGroupPair.builder().groupId("sg-nodes").build()).build();
        assertThat(SecurityGroupRules.observe(List.of(live), "sg-rds", id -> id.equals("sg-nodes") ? "sg:k8s-nodes" : id))
                .containsExactly(fromSpec);
    }

    @Test
    void theGroupsOwnIdReadsAsSelfAndAllProtocolsHaveNoPorts() {
        IpPermission live = IpPermission.builder().ipProtocol("-1")
                .userIdGroupPairs(UserIdGroupPair.builder().groupId("sg-nodes").build())
                .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build();
        assertThat(SecurityGroupRules.observe(List.of(live), "sg-nodes", id -> id)).containsExactly("all:0.0.0.0/0", "all:self");
    }

    @Test
    void aRuleBecomesThePermissionAwsTakes() {
        IpPermission p = SecurityGroupRules.Rule.parse("tcp:5432:sg:k8s-nodes").toPermission("sg-nodes");
        assertThat(p.ipProtocol()).isEqualTo("tcp");
        assertThat(p.fromPort()).isEqualTo(5432);
        assertThat(p.userIdGroupPairs()).extracting(UserIdGroupPair::groupId).containsExactly("sg-nodes");
        IpPermission all = SecurityGroupRules.Rule.parse("all:0.0.0.0/0").toPermission(null);
        assertThat(all.ipProtocol()).isEqualTo("-1");
        assertThat(all.fromPort()).isNull();
        assertThat(all.ipRanges()).extracting(IpRange::cidrIp).containsExactly("0.0.0.0/0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"100:allow:tcp:80:0.0.0.0/0", "130:allow:all:10.0.0.0/16", "140:allow:tcp:1024-65535:10.0.0.0/16",
            "90:deny:udp:53:::/0", "200:allow:icmp:0.0.0.0/0"})
    void naclEntriesRoundTrip(String entry) {
        assertThat(NaclEntries.Entry.parse(entry).encode()).isEqualTo(entry);
    }

    @Test
    void liveNaclEntriesReadLikeTheSpecWithoutTheDefaultDenyInRuleNumberOrder() {
        List<NetworkAclEntry> live = List.of(
                NetworkAclEntry.builder().ruleNumber(32767).egress(false).protocol("-1").ruleAction("deny").cidrBlock("0.0.0.0/0").build(),
                NetworkAclEntry.builder().ruleNumber(1000).egress(false).protocol("-1").ruleAction("allow").cidrBlock("10.0.0.0/16").build(),
                NetworkAclEntry.builder().ruleNumber(110).egress(false).protocol("6").ruleAction("allow").cidrBlock("0.0.0.0/0")
                        .portRange(PortRange.builder().from(1024).to(65535).build()).build(),
                NetworkAclEntry.builder().ruleNumber(100).egress(true).protocol("-1").ruleAction("allow").cidrBlock("0.0.0.0/0").build());
        assertThat(NaclEntries.observe(live, false)).containsExactly("110:allow:tcp:1024-65535:0.0.0.0/0", "1000:allow:all:10.0.0.0/16");
        assertThat(NaclEntries.observe(live, true)).containsExactly("100:allow:all:0.0.0.0/0");
        assertThat(NaclEntries.encode(new VpcSpec.NaclEntry(110, "tcp", "1024-65535", "0.0.0.0/0", null)))
                .isEqualTo("110:allow:tcp:1024-65535:0.0.0.0/0");
    }

    @Test
    void liveRoutesReadAsRefsWithTheLocalRouteAndWithoutPropagatedRoutes() {
        List<Route> live = List.of(
                Route.builder().destinationCidrBlock("10.0.0.0/16").gatewayId("local").origin(RouteOrigin.CREATE_ROUTE_TABLE).build(),
                Route.builder().destinationCidrBlock("0.0.0.0/0").natGatewayId("nat-1").origin(RouteOrigin.CREATE_ROUTE).build(),
                Route.builder().destinationCidrBlock("172.16.0.0/12").gatewayId("vgw-1").origin(RouteOrigin.ENABLE_VGW_ROUTE_PROPAGATION).build());
        Map<String, String> refs = Map.of("nat-1", "ref:vpc/nat-gateway/a");
        assertThat(Routes.observe(live, id -> refs.getOrDefault(id, id)))
                .containsExactly("0.0.0.0/0 -> ref:vpc/nat-gateway/a", "10.0.0.0/16 -> local");
    }

    @Test
    void theNatClientTokenIsStableAndFitsEc2sLimit() {
        String token = NatGateways.clientToken("dev", "vpc/nat-gateway/a", "subnet-1", "eipalloc-1");
        assertThat(token).isEqualTo(NatGateways.clientToken("dev", "vpc/nat-gateway/a", "subnet-1", "eipalloc-1"));
        assertThat(token).isNotEqualTo(NatGateways.clientToken("staging", "vpc/nat-gateway/a", "subnet-1", "eipalloc-1"));
        assertThat(token.length()).isLessThanOrEqualTo(64);
    }
}
