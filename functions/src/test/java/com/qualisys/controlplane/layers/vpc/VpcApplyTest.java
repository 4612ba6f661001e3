package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecException;
import com.qualisys.controlplane.spec.VpcSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/** Apply on an empty account builds the seed's network; a second apply changes nothing. */
class VpcApplyTest {
    static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    static MotoServer moto;
    static LiveVpc live;
    static Reconciler.ApplyResult firstApply;
    static Map<String, Integer> firstApplyMutations;

    @BeforeAll
    static void applyOnAnEmptyAccount() {
        moto = MotoServer.shared();
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            firstApply = new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
            firstApplyMutations = aws.calls().mutatingByOperation();
        }
        live = new LiveVpc(moto.clients(), SPEC.environment());
    }

    @AfterAll
    static void close() {
        live.close();
    }

    @Test
    void theFirstApplyCreatesEveryResourceOfTheLayer() {
        assertThat(firstApply.applied()).hasSize(29).allMatch(c -> c.action().name().equals("CREATE"));
        assertThat(firstApplyMutations).doesNotContainKeys("Ec2.DeleteVpc", "Ec2.DeleteSubnet", "Ec2.ReleaseAddress");
    }

    @Test
    void theVpcIs10_0_0_0_16WithDnsSupportAndHostnames() {
        var vpc = live.vpc();
        assertThat(vpc.cidrBlock()).isEqualTo("10.0.0.0/16");
        assertThat(live.ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT))
                .enableDnsSupport().value()).isTrue();
        assertThat(live.ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES))
                .enableDnsHostnames().value()).isTrue();
        assertThat(LiveVpc.tags(vpc.tags())).containsEntry("Name", "qualisys-vpc")
                .containsEntry("qualisys:managed-by", "qualisys-control-plane").containsEntry("qualisys:logical-id", "vpc/vpc/main");
    }

    @Test
    void sixSubnetsWithTheSeedsCidrsAzsAndEksTags() {
        assertThat(live.subnets()).hasSize(6).allMatch(s -> s.vpcId().equals(live.vpc().vpcId()));
        Map<String, String> cidrs = live.subnets().stream().collect(Collectors.toMap(s -> LiveVpc.logicalId(s.tags()),
                s -> s.cidrBlock() + "@" + s.availabilityZone()));
        assertThat(cidrs).containsExactlyInAnyOrderEntriesOf(Map.of(
                "vpc/subnet/public-a", "10.0.1.0/24@us-east-1a", "vpc/subnet/public-b", "10.0.2.0/24@us-east-1b",
                "vpc/subnet/private-a", "10.0.10.0/24@us-east-1a", "vpc/subnet/private-b", "10.0.11.0/24@us-east-1b",
                "vpc/subnet/database-a", "10.0.20.0/24@us-east-1a", "vpc/subnet/database-b", "10.0.21.0/24@us-east-1b"));
        assertThat(LiveVpc.tags(live.subnet("public-a").tags())).containsEntry("kubernetes.io/role/elb", "1")
                .containsEntry("kubernetes.io/cluster/qualisys-eks", "shared");
        assertThat(LiveVpc.tags(live.subnet("private-b").tags())).containsEntry("kubernetes.io/role/internal-elb", "1");
    }

    @Test
    void oneInternetGatewayAttachedToTheVpc() {
        var gateways = live.ec2.describeInternetGateways(r -> r.filters(f -> f.name("tag:qualisys:environment").values("dev")))
                .internetGateways();
        assertThat(gateways).hasSize(1);
        assertThat(gateways.getFirst().attachments()).singleElement().satisfies(a -> assertThat(a.vpcId()).isEqualTo(live.vpc().vpcId()));
    }

    @Test
    void twoNatGatewaysOnePerAzInThePublicSubnetOfThatAzEachWithItsElasticIp() {
        assertThat(live.addresses()).hasSize(2);
        assertThat(live.liveNatGateways()).hasSize(2);
        for (String az : List.of("a", "b")) {
            NatGateway nat = live.natGateway(az);
            assertThat(nat.subnetId()).isEqualTo(live.subnet("public-" + az).subnetId());
            String allocation = live.addresses().stream().filter(a -> ("vpc/elastic-ip/nat-" + az).equals(LiveVpc.logicalId(a.tags())))
                    .findFirst().orElseThrow().allocationId();
            assertThat(nat.natGatewayAddresses()).anyMatch(a -> a.allocationId().equals(allocation));
        }
    }

    @Test
    void publicSubnetsRouteToTheInternetGateway() {
        RouteTable table = live.routeTable("public");
        assertThat(table.routes()).anyMatch(r -> "0.0.0.0/0".equals(r.destinationCidrBlock()) && live.internetGatewayId().equals(r.gatewayId()));
        assertThat(associatedSubnets(table)).containsExactlyInAnyOrder(live.subnet("public-a").subnetId(), live.subnet("public-b").subnetId());
    }

    @Test
    void eachPrivateSubnetRoutesToTheNatGatewayOfItsOwnAz() {
        for (String az : List.of("a", "b")) {
            RouteTable table = live.routeTable("private-" + az);
            assertThat(table.routes()).as(az).anyMatch(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())
                    && live.natGateway(az).natGatewayId().equals(r.natGatewayId()));
            assertThat(associatedSubnets(table)).containsExactly(live.subnet("private-" + az).subnetId());
        }
    }

    @Test
    void databaseSubnetsHaveTheLocalRouteOnly() {
        RouteTable table = live.routeTable("database");
        assertThat(table.routes()).singleElement().satisfies(r -> {
            assertThat(r.destinationCidrBlock()).isEqualTo("10.0.0.0/16");
            assertThat(r.gatewayId()).isEqualTo("local");
        });
        assertThat(associatedSubnets(table)).containsExactlyInAnyOrder(live.subnet("database-a").subnetId(), live.subnet("database-b").subnetId());
        assertThat(live.routeTables()).hasSize(4);
    }

    @Test
    void rdsSgAccepts5432OnlyFromK8sNodesSgAndTheControlPlanesDbFunctionsAndHasNoEgress() {
        SecurityGroup rds = live.securityGroup("rds");
        String nodes = live.securityGroup("k8s-nodes").groupId();
        String dbFunctions = live.securityGroup("db-functions").groupId();
        assertThat(rds.ipPermissions()).singleElement().satisfies(p -> {
            assertThat(p.ipProtocol()).isEqualTo("tcp");
            assertThat(p.fromPort()).isEqualTo(5432);
            assertThat(p.toPort()).isEqualTo(5432);
            assertThat(p.ipRanges()).isEmpty();
            assertThat(p.userIdGroupPairs()).extracting(UserIdGroupPair::groupId).containsExactlyInAnyOrder(nodes, dbFunctions);
        });
        assertThat(rds.ipPermissionsEgress()).isEmpty();
    }

    @Test
    void elastiCacheSgAccepts6379OnlyFromK8sNodesSgAndHasNoEgress() {
        SecurityGroup cache = live.securityGroup("elasticache");
        assertThat(cache.ipPermissions()).singleElement().satisfies(p -> {
            assertThat(p.fromPort()).isEqualTo(6379);
            assertThat(p.userIdGroupPairs()).extracting(UserIdGroupPair::groupId).containsExactly(live.securityGroup("k8s-nodes").groupId());
        });
        assertThat(cache.ipPermissionsEgress()).isEmpty();
    }

    @Test
    void albSgAcceptsHttpAndHttpsFromTheInternetAndSendsOnlyToK8sNodesSg() {
        SecurityGroup alb = live.securityGroup("alb");
        assertThat(alb.ipPermissions()).extracting(IpPermission::fromPort).containsExactlyInAnyOrder(80, 443);
        assertThat(alb.ipPermissions()).allMatch(p -> p.ipRanges().getFirst().cidrIp().equals("0.0.0.0/0"));
        assertThat(alb.ipPermissionsEgress()).singleElement().satisfies(p -> {
            assertThat(p.ipProtocol()).isEqualTo("-1");
            assertThat(p.ipRanges()).isEmpty();
            assertThat(p.userIdGroupPairs()).extracting(UserIdGroupPair::groupId).containsExactly(live.securityGroup("k8s-nodes").groupId());
        });
    }

    @Test
    void k8sNodesSgAcceptsAllFromAlbSgAndFromItselfAndSendsAnywhere() {
        SecurityGroup nodes = live.securityGroup("k8s-nodes");
        assertThat(nodes.ipPermissions()).flatExtracting(IpPermission::userIdGroupPairs).extracting(UserIdGroupPair::groupId)
                .containsExactlyInAnyOrder(live.securityGroup("alb").groupId(), nodes.groupId());
        assertThat(nodes.ipPermissions()).allMatch(p -> p.ipProtocol().equals("-1"));
        assertThat(nodes.ipPermissionsEgress()).singleElement().satisfies(p ->
                assertThat(p.ipRanges().getFirst().cidrIp()).isEqualTo("0.0.0.0/0"));
        assertThat(live.securityGroups()).as("the seed's four groups and the control plane's db-functions group").hasSize(5);
    }

    @Test
    void theDatabaseNaclAdmitsPostgresAndRedisFromThePrivateSubnetsOnly() {
        NetworkAcl acl = live.networkAcl("database");
        assertThat(entries(acl, false)).containsExactly(
                "100 allow 6 5432-5432 10.0.10.0/24", "110 allow 6 5432-5432 10.0.11.0/24",
                "120 allow 6 6379-6379 10.0.10.0/24", "130 allow 6 6379-6379 10.0.11.0/24",
                "140 allow 6 1024-65535 10.0.0.0/16");
        assertThat(entries(acl, true)).containsExactly("100 allow 6 1024-65535 10.0.0.0/16");
        assertThat(acl.associations()).extracting(a -> a.subnetId())
                .containsExactlyInAnyOrder(live.subnet("database-a").subnetId(), live.subnet("database-b").subnetId());
    }

    @Test
    void thePublicAndPrivateNaclsHoldTheirEntriesAndSubnets() {
        assertThat(entries(live.networkAcl("public"), false)).containsExactly(
                "100 allow 6 80-80 0.0.0.0/0", "110 allow 6 443-443 0.0.0.0/0", "120 allow 6 1024-65535 0.0.0.0/0", "130 allow -1 - 10.0.0.0/16");
        assertThat(entries(live.networkAcl("private"), false)).containsExactly("100 allow -1 - 10.0.0.0/16", "110 allow 6 1024-65535 0.0.0.0/0");
        assertThat(entries(live.networkAcl("private"), true)).containsExactly("100 allow -1 - 0.0.0.0/0");
        assertThat(live.networkAcl("private").associations()).extracting(a -> a.subnetId())
                .containsExactlyInAnyOrder(live.subnet("private-a").subnetId(), live.subnet("private-b").subnetId());
        assertThat(live.networkAcls()).hasSize(3);
    }

    @Test
    void flowLogsSendAllTrafficEvery10MinutesToA30DayLogGroupThroughTheDeliveryRole() {
        List<FlowLog> flows = live.ec2.describeFlowLogs(r -> r.filter(f -> f.name("tag:qualisys:environment").values("dev"))).flowLogs();
        assertThat(flows).hasSize(1);
        FlowLog flow = flows.getFirst();
        assertThat(flow.resourceId()).isEqualTo(live.vpc().vpcId());
        assertThat(flow.trafficTypeAsString()).isEqualTo("ALL");
        assertThat(flow.maxAggregationInterval()).isEqualTo(600);
        assertThat(flow.logGroupName()).isEqualTo("/aws/vpc/qualisys-flow-logs");
        var role = live.aws.iam().getRole(r -> r.roleName("qualisys-vpc-flow-logs")).role();
        assertThat(flow.deliverLogsPermissionArn()).isEqualTo(role.arn());
        assertThat(URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8)).contains("vpc-flow-logs.amazonaws.com");
        String policy = URLDecoder.decode(live.aws.iam().getRolePolicy(r -> r.roleName("qualisys-vpc-flow-logs")
                .policyName(VpcDesiredState.FLOW_LOG_POLICY_NAME)).policyDocument(), StandardCharsets.UTF_8);
        assertThat(policy).contains("logs:PutLogEvents", "logs:CreateLogStream", "log-group:/aws/vpc/qualisys-flow-logs");
        var group = live.aws.logs().describeLogGroups(r -> r.logGroupNamePrefix("/aws/vpc/qualisys-flow-logs")).logGroups();
        assertThat(group).singleElement().satisfies(g -> assertThat(g.retentionInDays()).isEqualTo(30));
    }

    @Test
    void theDbAndCacheSubnetGroupsSpanTheDatabaseSubnets() {
        List<String> database = List.of(live.subnet("database-a").subnetId(), live.subnet("database-b").subnetId());
        var db = live.aws.rds().describeDBSubnetGroups(r -> r.dbSubnetGroupName("qualisys-db-subnet-group")).dbSubnetGroups();
        assertThat(db).singleElement().satisfies(g -> assertThat(g.subnets()).extracting(s -> s.subnetIdentifier())
                .containsExactlyInAnyOrderElementsOf(database));
        var cache = live.aws.elastiCache().describeCacheSubnetGroups(r -> r.cacheSubnetGroupName("qualisys-cache-subnet-group"))
                .cacheSubnetGroups();
        assertThat(cache).singleElement().satisfies(g -> assertThat(g.subnets()).extracting(s -> s.subnetIdentifier())
                .containsExactlyInAnyOrderElementsOf(database));
    }

    @Test
    void aSecondApplyMakesNoMutatingCallAndDriftIsEmpty() {
        try (AwsClients aws = moto.clients()) {
            Reconciler.ApplyResult again = new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
            assertThat(again.applied()).isEmpty();
            assertThat(aws.calls().mutatingByOperation()).isEmpty();
            Plan drift = new Reconciler(SPEC, aws, List.of(new VpcLayer())).plan("vpc");
            assertThat(drift.changes()).isEmpty();
            assertThat(aws.calls().mutating()).isZero();
        }
    }

    @Test
    void anAvailabilityZoneTheAccountDoesNotOfferIsRejectedBeforeAnyChange() {
        VpcSpec vpc = SPEC.vpc();
        Map<String, VpcSpec.Subnet> subnets = new java.util.LinkedHashMap<>();
        vpc.subnets().forEach((k, s) -> subnets.put(k, s.az().equals("us-east-1b") ? new VpcSpec.Subnet(s.tier(), "us-east-1z", s.cidr()) : s));
        VpcSpec bad = new VpcSpec(vpc.name(), vpc.cidr(), List.of("us-east-1a", "us-east-1z"), subnets, vpc.subnetTags(),
                vpc.natGatewayPerAz(), vpc.securityGroups(), vpc.networkAcls(), vpc.flowLogs(), vpc.dbSubnetGroup(), vpc.cacheSubnetGroup());
        EnvironmentSpec spec = withVpc("qa", bad);
        try (AwsClients aws = moto.clients()) {
            assertThatThrownBy(() -> new Reconciler(spec, aws, List.of(new VpcLayer())).apply("vpc", false))
                    .isInstanceOf(SpecException.class)
                    .hasMessageContaining("vpc.availabilityZones[1] us-east-1z is not an availability zone this account can use in us-east-1")
                    .hasMessageContaining("available: us-east-1a, us-east-1b");
            assertThat(aws.calls().mutating()).isZero();
        }
    }

    @Test
    void movingASubnetToAnotherCidrIsADestructiveReplaceThatApplyRefusesWithoutApproval() {
        VpcSpec vpc = SPEC.vpc();
        Map<String, VpcSpec.Subnet> subnets = new java.util.LinkedHashMap<>(vpc.subnets());
        subnets.put("database-b", new VpcSpec.Subnet(VpcSpec.Tier.DATABASE, "us-east-1b", "10.0.22.0/24"));
        EnvironmentSpec moved = withVpc(SPEC.environment(), new VpcSpec(vpc.name(), vpc.cidr(), vpc.availabilityZones(), subnets,
                vpc.subnetTags(), vpc.natGatewayPerAz(), vpc.securityGroups(), vpc.networkAcls(), vpc.flowLogs(), vpc.dbSubnetGroup(),
                vpc.cacheSubnetGroup()));
        try (AwsClients aws = moto.clients()) {
            Plan plan = new Reconciler(moved, aws, List.of(new VpcLayer())).plan("vpc");
            var replace = plan.changes().stream().filter(c -> c.logicalId().equals("vpc/subnet/database-b")).findFirst().orElseThrow();
            assertThat(replace.action().name()).isEqualTo("REPLACE");
            assertThat(replace.destructive()).isTrue();
            assertThat(replace.differences()).singleElement().satisfies(d -> {
                assertThat(d.path()).isEqualTo("cidr");
                assertThat(d.expected()).isEqualTo("10.0.22.0/24");
                assertThat(d.actual()).isEqualTo("10.0.21.0/24");
            });
            assertThatThrownBy(() -> new Reconciler(moved, aws, List.of(new VpcLayer())).apply("vpc", false))
                    .isInstanceOf(com.qualisys.controlplane.engine.ApprovalRequiredException.class)
                    .hasMessageContaining("REPLACE vpc/subnet/database-b");
            assertThat(aws.calls().mutating()).isZero();
        }
        assertThat(live.subnet("database-b").cidrBlock()).isEqualTo("10.0.21.0/24");
    }

    private static EnvironmentSpec withVpc(String environment, VpcSpec vpc) {
        return new EnvironmentSpec(environment, SPEC.aws(), SPEC.state(), SPEC.account(), SPEC.iam(), SPEC.monitoring(), vpc,
                SPEC.eks(), SPEC.rds(), SPEC.kubernetes(), SPEC.responses(), SPEC.drift());
    }

    private static List<String> associatedSubnets(RouteTable table) {
        return table.associations().stream().filter(a -> !Boolean.TRUE.equals(a.main())).map(RouteTableAssociation::subnetId).toList();
    }

    private static List<String> entries(NetworkAcl acl, boolean egress) {
        return acl.entries().stream().filter(e -> e.egress() == egress && e.ruleNumber() != 32767)
                .sorted(java.util.Comparator.comparingInt(NetworkAclEntry::ruleNumber))
                .map(e -> e.ruleNumber() + " " + e.ruleActionAsString() + " " + e.protocol() + " "
                        + (e.portRange() == null ? "-" : e.portRange().from() + "-" + e.portRange().to()) + " " + e.cidrBlock())
                .toList();
    }
}
