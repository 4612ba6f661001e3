package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.engine.DesiredResource.ref;
import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.iam.TrustPolicy;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import com.qualisys.controlplane.spec.VpcSpec.Tier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seed's network as desired resources: pure, no I/O. Sub-resources that carry no tags of their
 * own (routes, subnet associations, security-group rules, NACL entries, the internet-gateway
 * attachment) are attributes of their tagged parent, as sorted canonical strings.
 */
final class VpcDesiredState {
    static final String ANYWHERE = "0.0.0.0/0";
    static final String FLOW_LOG_POLICY_NAME = "deliver-vpc-flow-logs";
    static final String FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com";

    private VpcDesiredState() {}

    static List<DesiredResource> of(EnvironmentSpec spec) {
        VpcSpec vpc = spec.vpc();
        List<DesiredResource> out = new ArrayList<>();
        out.add(new DesiredResource(VpcIds.VPC, VPC_KIND, attrs(
                CIDR, vpc.cidr(),
                // Dedicated tenancy bills every instance as dedicated; AWS can only turn it back to default.
                INSTANCE_TENANCY, "default",
                DNS_SUPPORT, true,
                DNS_HOSTNAMES, true,
                TAGS, Map.of("Name", vpc.name()))));
        orEmpty(vpc.subnets()).forEach((key, subnet) -> out.add(subnet(vpc, key, subnet)));
        out.add(new DesiredResource(VpcIds.INTERNET_GATEWAY, INTERNET_GATEWAY, attrs(
                ATTACHED_VPC, ref(VpcIds.VPC),
                TAGS, Map.of("Name", vpc.name() + "-igw"))));
        for (String az : natAzs(vpc)) {
            String letter = VpcIds.azLetter(az);
            out.add(new DesiredResource(VpcIds.natElasticIp(az), ELASTIC_IP, attrs(
                    DOMAIN, "vpc",
                    TAGS, Map.of("Name", vpc.name() + "-nat-" + letter))));
            // AWS fails a NAT gateway whose VPC has no internet gateway yet: order after it.
            out.add(new DesiredResource(VpcIds.natGateway(az), NAT_GATEWAY, attrs(
                    SUBNET, ref(VpcIds.subnet(subnetKey(vpc, Tier.PUBLIC, az))),
                    ALLOCATION, ref(VpcIds.natElasticIp(az)),
                    CONNECTIVITY, "public",
                    TAGS, Map.of("Name", vpc.name() + "-nat-" + letter)), Set.of(VpcIds.INTERNET_GATEWAY)));
        }
        out.addAll(routeTables(vpc));
        orEmpty(vpc.securityGroups()).keySet().forEach(key -> out.add(securityGroup(spec, key)));
        orEmpty(vpc.networkAcls()).forEach((key, acl) -> out.add(networkAcl(vpc, key, acl)));
        out.addAll(flowLogs(spec));
        out.add(new DesiredResource(VpcIds.DB_SUBNET_GROUP, DB_SUBNET_GROUP, attrs(
                NAME, vpc.dbSubnetGroup(),
                DESCRIPTION, "QUALISYS database tier: RDS PostgreSQL",
                SUBNETS, subnetRefs(vpc, Tier.DATABASE, null))));
        out.add(new DesiredResource(VpcIds.CACHE_SUBNET_GROUP, CACHE_SUBNET_GROUP, attrs(
                NAME, vpc.cacheSubnetGroup(),
                DESCRIPTION, "QUALISYS database tier: ElastiCache Redis",
                SUBNETS, subnetRefs(vpc, Tier.DATABASE, null))));
        return out;
    }

    /** One security group; also used by apply to create a group another group refers to. */
    static DesiredResource securityGroup(EnvironmentSpec spec, String key) {
        VpcSpec.SecurityGroup group = spec.vpc().securityGroups().get(key);
        return new DesiredResource(VpcIds.securityGroup(key), SECURITY_GROUP, attrs(
                VPC, ref(VpcIds.VPC),
                NAME, group.name(),
                DESCRIPTION, group.description(),
                INGRESS, SecurityGroupRules.sorted(orEmpty(group.ingress()).stream().map(SecurityGroupRules::encode).toList()),
                EGRESS, SecurityGroupRules.sorted(orEmpty(group.egress()).stream().map(SecurityGroupRules::encode).toList()),
                TAGS, Map.of("Name", group.name())));
    }

    private static DesiredResource subnet(VpcSpec vpc, String key, VpcSpec.Subnet subnet) {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("Name", vpc.name() + "-" + key);
        tags.putAll(orEmpty(vpc.subnetTags()).getOrDefault(subnet.tier().key(), Map.of()));
        return new DesiredResource(VpcIds.subnet(key), SUBNET_KIND, attrs(
                VPC, ref(VpcIds.VPC),
                CIDR, subnet.cidr(),
                AVAILABILITY_ZONE, subnet.az(),
                // No subnet hands out public IPs: the public tier holds only NAT gateways and load balancers.
                MAP_PUBLIC_IP, false,
                TAGS, tags));
    }

    /** Public: default route to the internet gateway; private: one table per AZ, default route to that AZ's NAT; database: local only. */
    private static List<DesiredResource> routeTables(VpcSpec vpc) {
        String local = Routes.encode(vpc.cidr(), Routes.LOCAL);
        List<DesiredResource> out = new ArrayList<>();
        out.add(routeTable(vpc, VpcIds.publicRouteTable(), "public",
                List.of(Routes.encode(ANYWHERE, ref(VpcIds.INTERNET_GATEWAY)), local), subnetRefs(vpc, Tier.PUBLIC, null)));
        List<String> natAzs = natAzs(vpc);
        for (String az : vpc.availabilityZones()) {
            String natAz = natAzs.contains(az) ? az : natAzs.getFirst();
            out.add(routeTable(vpc, VpcIds.privateRouteTable(az), "private-" + VpcIds.azLetter(az),
                    List.of(Routes.encode(ANYWHERE, ref(VpcIds.natGateway(natAz))), local), subnetRefs(vpc, Tier.PRIVATE, az)));
        }
        out.add(routeTable(vpc, VpcIds.databaseRouteTable(), "database", List.of(local), subnetRefs(vpc, Tier.DATABASE, null)));
        return out;
    }

    private static DesiredResource routeTable(VpcSpec vpc, String logicalId, String name, List<String> routes, List<String> subnets) {
        return new DesiredResource(logicalId, ROUTE_TABLE, attrs(
                VPC, ref(VpcIds.VPC),
                ROUTES, Routes.sorted(routes),
                SUBNETS, subnets,
                TAGS, Map.of("Name", vpc.name() + "-" + name)));
    }

    private static DesiredResource networkAcl(VpcSpec vpc, String key, VpcSpec.NetworkAcl acl) {
        return new DesiredResource(VpcIds.networkAcl(key), NETWORK_ACL, attrs(
                VPC, ref(VpcIds.VPC),
                INBOUND, NaclEntries.sorted(orEmpty(acl.inbound()).stream().map(NaclEntries::encode).toList()),
                OUTBOUND, NaclEntries.sorted(orEmpty(acl.outbound()).stream().map(NaclEntries::encode).toList()),
                SUBNETS, subnetRefs(vpc, acl.tier(), null),
                TAGS, Map.of("Name", vpc.name() + "-" + key)));
    }

    private static List<DesiredResource> flowLogs(EnvironmentSpec spec) {
        VpcSpec.FlowLogs flow = spec.vpc().flowLogs();
        return List.of(
                new DesiredResource(VpcIds.FLOW_LOG_GROUP, LOG_GROUP_KIND, attrs(
                        NAME, flow.logGroup(),
                        RETENTION_DAYS, flow.retentionDays())),
                RoleKind.desired(spec.environment(), VpcIds.FLOW_LOG_ROLE, new RoleKind.Definition(flow.deliveryRole(),
                        TrustPolicy.service(FLOW_LOGS_SERVICE), RoleKind.DEFAULT_MAX_SESSION_SECONDS,
                        "Delivers the VPC flow logs to CloudWatch Logs", List.of(),
                        Map.of(FLOW_LOG_POLICY_NAME, policy(statement(
                                List.of("logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"),
                                logGroupArns(spec.aws().region(), flow.logGroup()), null))))),
                new DesiredResource(VpcIds.FLOW_LOG, FLOW_LOG, attrs(
                        RESOURCE, ref(VpcIds.VPC),
                        TRAFFIC_TYPE, flow.trafficType(),
                        DESTINATION_TYPE, "cloud-watch-logs",
                        LOG_GROUP, ref(VpcIds.FLOW_LOG_GROUP),
                        DELIVERY_ROLE, ref(VpcIds.FLOW_LOG_ROLE),
                        MAX_AGGREGATION_SECONDS, flow.aggregationSeconds())));
    }

    /**
     * The flow-log group and its streams. The account is a wildcard so that desired state stays
     * pure (no account lookup); an identity policy reaches only its own account's log groups anyway.
     */
    static List<String> logGroupArns(String region, String logGroup) {
        String arn = "arn:aws:logs:" + region + ":*:log-group:" + logGroup;
        return List.of(arn, arn + ":*");
    }

    private static Map<String, Object> policy(Map<String, Object> statement) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Version", "2012-10-17");
        doc.put("Statement", List.of(statement));
        return doc;
    }

    private static Map<String, Object> statement(Object action, Object resource, Object principal) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Effect", "Allow");
        if (principal != null) s.put("Principal", principal);
        s.put("Action", action);
        if (resource != null) s.put("Resource", resource);
        return s;
    }

    /** The AZs that get a NAT gateway: every AZ, or only the first when natGatewayPerAz is off. */
    static List<String> natAzs(VpcSpec vpc) {
        return vpc.natGatewayPerAz() ? vpc.availabilityZones() : List.of(vpc.availabilityZones().getFirst());
    }

    private static String subnetKey(VpcSpec vpc, Tier tier, String az) {
        return orEmpty(vpc.subnets()).entrySet().stream()
                .filter(e -> e.getValue().tier() == tier && e.getValue().az().equals(az))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + tier.key() + " subnet in " + az));
    }

    /** Sorted refs to the subnets of a tier (of one AZ when az is given). */
    private static List<String> subnetRefs(VpcSpec vpc, Tier tier, String az) {
        return orEmpty(vpc.subnets()).entrySet().stream()
                .filter(e -> e.getValue().tier() == tier && (az == null || e.getValue().az().equals(az)))
                .map(e -> ref(VpcIds.subnet(e.getKey()))).sorted().toList();
    }

    /** Optional spec sections left out of the YAML bind as null: none means none. */
    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, Object> attrs(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
