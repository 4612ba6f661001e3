package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The seed's network tables, as the layer's desired state (pure: no AWS). */
class VpcDesiredStateTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static final Map<String, DesiredResource> DESIRED = new VpcLayer().desired(SPEC).stream()
            .collect(Collectors.toMap(DesiredResource::logicalId, Function.identity()));

    private static DesiredResource get(String logicalId) {
        assertThat(DESIRED).containsKey(logicalId);
        return DESIRED.get(logicalId);
    }

    @Test
    void theLayerOwnsExactlyTheSeedsResourcesUnderTheAgreedLogicalIds() {
        assertThat(DESIRED.keySet()).containsExactlyInAnyOrder(
                "vpc/vpc/main",
                "vpc/subnet/public-a", "vpc/subnet/public-b", "vpc/subnet/private-a", "vpc/subnet/private-b",
                "vpc/subnet/database-a", "vpc/subnet/database-b",
                "vpc/internet-gateway/main",
                "vpc/elastic-ip/nat-a", "vpc/elastic-ip/nat-b", "vpc/nat-gateway/a", "vpc/nat-gateway/b",
                "vpc/route-table/public", "vpc/route-table/private-a", "vpc/route-table/private-b", "vpc/route-table/database",
                "vpc/security-group/alb", "vpc/security-group/k8s-nodes", "vpc/security-group/rds", "vpc/security-group/elasticache",
                "vpc/security-group/db-functions",
                "vpc/network-acl/public", "vpc/network-acl/private", "vpc/network-acl/database",
                "vpc/log-group/flow-logs", "vpc/iam-role/flow-logs", "vpc/flow-log/main",
                "vpc/db-subnet-group/main", "vpc/cache-subnet-group/main");
    }

    @Test
    void theVpcIs10_0_0_0_16WithDnsSupportAndDnsHostnames() {
        DesiredResource vpc = get("vpc/vpc/main");
        assertThat(vpc.attribute("cidr")).isEqualTo("10.0.0.0/16");
        assertThat(vpc.attribute("enableDnsSupport")).isEqualTo(true);
        assertThat(vpc.attribute("enableDnsHostnames")).isEqualTo(true);
    }

    @Test
    void subnetsFollowTheSeedsCidrAllocationAcrossTwoAzs() {
        Map<String, List<String>> expected = Map.of(
                "public-a", List.of("10.0.1.0/24", "us-east-1a"), "public-b", List.of("10.0.2.0/24", "us-east-1b"),
                "private-a", List.of("10.0.10.0/24", "us-east-1a"), "private-b", List.of("10.0.11.0/24", "us-east-1b"),
                "database-a", List.of("10.0.20.0/24", "us-east-1a"), "database-b", List.of("10.0.21.0/24", "us-east-1b"));
        expected.forEach((key, cidrAndAz) -> {
            DesiredResource subnet = get("vpc/subnet/" + key);
            assertThat(subnet.attribute("cidr")).as(key).isEqualTo(cidrAndAz.get(0));
            assertThat(subnet.attribute("availabilityZone")).as(key).isEqualTo(cidrAndAz.get(1));
            assertThat(subnet.attribute("vpc")).isEqualTo("ref:vpc/vpc/main");
        });
    }

    @Test
    void publicAndPrivateSubnetsCarryTheEksLoadBalancerTagsAndDatabaseSubnetsDoNot() {
        assertThat(get("vpc/subnet/public-a").stringMap("tags"))
                .containsEntry("kubernetes.io/role/elb", "1").containsEntry("kubernetes.io/cluster/qualisys-eks", "shared");
        assertThat(get("vpc/subnet/private-b").stringMap("tags"))
                .containsEntry("kubernetes.io/role/internal-elb", "1").containsEntry("kubernetes.io/cluster/qualisys-eks", "shared")
                .doesNotContainKey("kubernetes.io/role/elb");
        assertThat(get("vpc/subnet/database-a").stringMap("tags")).containsOnlyKeys("Name");
    }

    @Test
    void oneNatGatewayPerAzSitsInThePublicSubnetOfThatAzWithItsOwnElasticIp() {
        assertThat(get("vpc/nat-gateway/a").attribute("subnet")).isEqualTo("ref:vpc/subnet/public-a");
        assertThat(get("vpc/nat-gateway/a").attribute("allocation")).isEqualTo("ref:vpc/elastic-ip/nat-a");
        assertThat(get("vpc/nat-gateway/b").attribute("subnet")).isEqualTo("ref:vpc/subnet/public-b");
        assertThat(get("vpc/nat-gateway/b").attribute("allocation")).isEqualTo("ref:vpc/elastic-ip/nat-b");
        assertThat(get("vpc/elastic-ip/nat-a").attribute("domain")).isEqualTo("vpc");
    }

    @Test
    void aNatGatewayIsCreatedOnlyAfterTheInternetGatewayItNeeds() {
        assertThat(get("vpc/nat-gateway/a").dependsOn()).contains("vpc/internet-gateway/main", "vpc/subnet/public-a");
    }

    @Test
    void theInternetGatewayIsAttachedToTheVpc() {
        assertThat(get("vpc/internet-gateway/main").attribute("attachedVpc")).isEqualTo("ref:vpc/vpc/main");
    }

    @Test
    void publicRouteTableRoutes0_0_0_0_0ToTheInternetGatewayForBothPublicSubnets() {
        DesiredResource table = get("vpc/route-table/public");
        assertThat(table.strings("routes")).containsExactly("0.0.0.0/0 -> ref:vpc/internet-gateway/main", "10.0.0.0/16 -> local");
        assertThat(table.strings("subnets")).containsExactly("ref:vpc/subnet/public-a", "ref:vpc/subnet/public-b");
    }

    @Test
    void privateRouteTableInAzARoutes0_0_0_0_0ToTheNatGatewayInAzA() {
        DesiredResource a = get("vpc/route-table/private-a");
        assertThat(a.strings("routes")).containsExactly("0.0.0.0/0 -> ref:vpc/nat-gateway/a", "10.0.0.0/16 -> local");
        assertThat(a.strings("subnets")).containsExactly("ref:vpc/subnet/private-a");
        DesiredResource b = get("vpc/route-table/private-b");
        assertThat(b.strings("routes")).containsExactly("0.0.0.0/0 -> ref:vpc/nat-gateway/b", "10.0.0.0/16 -> local");
        assertThat(b.strings("subnets")).containsExactly("ref:vpc/subnet/private-b");
    }

    @Test
    void databaseRouteTableHasTheLocalRouteOnly() {
        DesiredResource table = get("vpc/route-table/database");
        assertThat(table.strings("routes")).containsExactly("10.0.0.0/16 -> local");
        assertThat(table.strings("subnets")).containsExactly("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b");
    }

    @Test
    void albSgAcceptsHttpAndHttpsFromAnywhereAndSendsOnlyToK8sNodesSg() {
        DesiredResource alb = get("vpc/security-group/alb");
        assertThat(alb.strings("ingress")).containsExactly("tcp:443:0.0.0.0/0", "tcp:80:0.0.0.0/0");
        assertThat(alb.strings("egress")).containsExactly("all:sg:k8s-nodes");
    }

    @Test
    void k8sNodesSgAcceptsAllFromAlbSgAndFromItselfAndSendsAnywhere() {
        DesiredResource nodes = get("vpc/security-group/k8s-nodes");
        assertThat(nodes.strings("ingress")).containsExactly("all:self", "all:sg:alb");
        assertThat(nodes.strings("egress")).containsExactly("all:0.0.0.0/0");
    }

    @Test
    void rdsSgAccepts5432OnlyFromK8sNodesSgAndTheControlPlanesDbFunctionsAndSendsNothing() {
        DesiredResource rds = get("vpc/security-group/rds");
        assertThat(rds.strings("ingress")).containsExactly("tcp:5432:sg:db-functions", "tcp:5432:sg:k8s-nodes");
        assertThat(rds.strings("egress")).isEmpty();
    }

    @Test
    void theDbFunctionsSgReachesPostgresAndTheAwsApisOnly() {
        DesiredResource functions = get("vpc/security-group/db-functions");
        assertThat(functions.strings("ingress")).isEmpty();
        assertThat(functions.strings("egress")).containsExactly("tcp:443:0.0.0.0/0", "tcp:5432:sg:rds");
    }

    @Test
    void elastiCacheSgAccepts6379OnlyFromK8sNodesSgAndSendsNothing() {
        DesiredResource cache = get("vpc/security-group/elasticache");
        assertThat(cache.strings("ingress")).containsExactly("tcp:6379:sg:k8s-nodes");
        assertThat(cache.strings("egress")).isEmpty();
    }

    @Test
    void noSecurityGroupAcceptsSshFromAnywhere() {
        DESIRED.values().stream().filter(d -> d.kind().name().equals("security-group")).forEach(sg ->
                sg.strings("ingress").stream().map(SecurityGroupRules.Rule::parse)
                        .filter(r -> r.peer().equals("0.0.0.0/0"))
                        .forEach(r -> assertThat(r.protocol().equals("all") || (r.fromPort() <= 22 && r.toPort() >= 22))
                                .as(sg.logicalId() + " " + r.encode()).isFalse()));
    }

    @Test
    void securityGroupRulesReferToGroupsNotAddressesExceptTheInternetFacingOnes() {
        assertThat(get("vpc/security-group/rds").strings("ingress")).allMatch(r -> r.contains(":sg:"));
        assertThat(get("vpc/security-group/elasticache").strings("ingress")).allMatch(r -> r.contains(":sg:"));
    }

    @Test
    void securityGroupsReferringToEachOtherDoNotMakeADependencyCycle() {
        assertThat(get("vpc/security-group/alb").dependsOn()).doesNotContain("vpc/security-group/k8s-nodes");
        assertThat(get("vpc/security-group/k8s-nodes").dependsOn()).doesNotContain("vpc/security-group/alb");
        assertThat(DESIRED.values()).allSatisfy(d -> assertThat(d.dependsOn()).allMatch(DESIRED::containsKey));
        Set<String> done = new HashSet<>();
        DESIRED.keySet().forEach(id -> assertNoCycle(id, done, new ArrayDeque<>()));
    }

    private static void assertNoCycle(String id, Set<String> done, Deque<String> path) {
        if (done.contains(id)) return;
        assertThat(path).as("dependency cycle " + path + " -> " + id).doesNotContain(id);
        path.push(id);
        get(id).dependsOn().forEach(dep -> assertNoCycle(dep, done, path));
        path.pop();
        done.add(id);
    }

    @Test
    void publicNaclAllowsHttpHttpsEphemeralAndTheVpcInAndEverythingOut() {
        DesiredResource acl = get("vpc/network-acl/public");
        assertThat(acl.strings("inbound")).containsExactly(
                "100:allow:tcp:80:0.0.0.0/0", "110:allow:tcp:443:0.0.0.0/0",
                "120:allow:tcp:1024-65535:0.0.0.0/0", "130:allow:all:10.0.0.0/16");
        assertThat(acl.strings("outbound")).containsExactly("100:allow:all:0.0.0.0/0");
        assertThat(acl.strings("subnets")).containsExactly("ref:vpc/subnet/public-a", "ref:vpc/subnet/public-b");
    }

    @Test
    void privateNaclAllowsTheVpcAndEphemeralPortsInAndEverythingOut() {
        DesiredResource acl = get("vpc/network-acl/private");
        assertThat(acl.strings("inbound")).containsExactly("100:allow:all:10.0.0.0/16", "110:allow:tcp:1024-65535:0.0.0.0/0");
        assertThat(acl.strings("outbound")).containsExactly("100:allow:all:0.0.0.0/0");
        assertThat(acl.strings("subnets")).containsExactly("ref:vpc/subnet/private-a", "ref:vpc/subnet/private-b");
    }

    @Test
    void databaseNaclAdmitsPostgresAndRedisOnlyFromThePrivateSubnetsAndEphemeralFromTheVpc() {
        DesiredResource acl = get("vpc/network-acl/database");
        assertThat(acl.strings("inbound")).containsExactly(
                "100:allow:tcp:5432:10.0.10.0/24", "110:allow:tcp:5432:10.0.11.0/24",
                "120:allow:tcp:6379:10.0.10.0/24", "130:allow:tcp:6379:10.0.11.0/24",
                "140:allow:tcp:1024-65535:10.0.0.0/16");
        assertThat(acl.strings("outbound")).containsExactly("100:allow:tcp:1024-65535:10.0.0.0/16");
        assertThat(acl.strings("subnets")).containsExactly("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b");
    }

    @Test
    void flowLogsCaptureAllTrafficIn10MinuteIntervalsIntoA30DayLogGroup() {
        DesiredResource flow = get("vpc/flow-log/main");
        assertThat(flow.attribute("resource")).isEqualTo("ref:vpc/vpc/main");
        assertThat(flow.attribute("trafficType")).isEqualTo("ALL");
        assertThat(flow.attribute("maxAggregationSeconds")).isEqualTo(600);
        assertThat(flow.attribute("destinationType")).isEqualTo("cloud-watch-logs");
        assertThat(flow.attribute("logGroup")).isEqualTo("ref:vpc/log-group/flow-logs");
        assertThat(flow.attribute("deliveryRole")).isEqualTo("ref:vpc/iam-role/flow-logs");
        DesiredResource group = get("vpc/log-group/flow-logs");
        assertThat(group.attribute("name")).isEqualTo("/aws/vpc/qualisys-flow-logs");
        assertThat(group.attribute("retentionDays")).isEqualTo(30);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFlowLogRoleIsAssumableOnlyByTheFlowLogsServiceAndWritesOnlyToItsLogGroup() {
        DesiredResource role = get("vpc/iam-role/flow-logs");
        Map<String, Object> trust = (Map<String, Object>) role.attribute("assumeRolePolicy");
        Map<String, Object> trustStatement = ((List<Map<String, Object>>) trust.get("Statement")).getFirst();
        assertThat(trustStatement).containsEntry("Principal", Map.of("Service", "vpc-flow-logs.amazonaws.com"))
                .containsEntry("Action", "sts:AssumeRole").containsEntry("Effect", "Allow");
        Map<String, Object> policy = (Map<String, Object>) ((Map<String, Object>) role.attribute("inlinePolicyDocuments"))
                .get(VpcDesiredState.FLOW_LOG_POLICY_NAME);
        assertThat(role.strings("inlinePolicies")).containsExactly(VpcDesiredState.FLOW_LOG_POLICY_NAME);
        Map<String, Object> statement = ((List<Map<String, Object>>) policy.get("Statement")).getFirst();
        assertThat((List<String>) statement.get("Action")).containsExactlyInAnyOrder(
                "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams");
        assertThat((List<String>) statement.get("Resource")).allMatch(arn -> arn.contains(":log-group:/aws/vpc/qualisys-flow-logs"));
    }

    @Test
    void theDbAndCacheSubnetGroupsSpanTheDatabaseSubnets() {
        assertThat(get("vpc/db-subnet-group/main").attribute("name")).isEqualTo("qualisys-db-subnet-group");
        assertThat(get("vpc/db-subnet-group/main").strings("subnets")).containsExactly("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b");
        assertThat(get("vpc/cache-subnet-group/main").attribute("name")).isEqualTo("qualisys-cache-subnet-group");
        assertThat(get("vpc/cache-subnet-group/main").strings("subnets")).containsExactly("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b");
    }

    @Test
    void immutableAttributesReplaceAndOnlyTheVpcSubnetsAndLogGroupAreStateful() {
        assertThat(get("vpc/vpc/main").kind().replaceOn()).contains("cidr");
        assertThat(get("vpc/subnet/public-a").kind().replaceOn()).contains("cidr", "availabilityZone");
        assertThat(get("vpc/nat-gateway/a").kind().replaceOn()).contains("subnet", "allocation");
        assertThat(get("vpc/vpc/main").kind().stateful()).isTrue();
        assertThat(get("vpc/subnet/public-a").kind().stateful()).isTrue();
        assertThat(get("vpc/nat-gateway/a").kind().stateful()).isFalse();
    }

    @Test
    void everyEnvironmentGetsTheSameNetwork() {
        // The seed has one network: every environment (one account each) gets the same, but for the
        // identity tags of the flow-log role (the one IAM role kind compares a role's tags).
        assertThat(withoutRoleTags(new VpcLayer().desired(TestSpecs.load("production"))))
                .isEqualTo(withoutRoleTags(new VpcLayer().desired(SPEC)));
        assertThat(new VpcLayer().desired(TestSpecs.load("production")).stream().filter(d -> d.logicalId().equals("vpc/iam-role/flow-logs"))
                .findFirst().orElseThrow().stringMap("tags")).containsEntry("qualisys:environment", "production");
    }

    private static List<DesiredResource> withoutRoleTags(List<DesiredResource> desired) {
        return desired.stream().map(d -> {
            if (!d.kind().name().equals("iam-role")) return d;
            Map<String, Object> attributes = new java.util.LinkedHashMap<>(d.attributes());
            attributes.remove("tags");
            return new DesiredResource(d.logicalId(), d.kind(), attributes);
        }).toList();
    }
}
