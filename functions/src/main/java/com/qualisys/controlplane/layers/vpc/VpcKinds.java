package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.ResourceKind;

/**
 * The resource kinds of the VPC layer and the attribute names they share between desired state
 * (pure) and observe/apply (I/O). The VPC and its subnets are stateful: deleting or replacing them
 * cuts every workload off, so the plan asks for approval. Attributes AWS cannot change in place
 * are replaceOn.
 */
final class VpcKinds {
    // Attribute names.
    static final String CIDR = "cidr";
    static final String DNS_SUPPORT = "enableDnsSupport";
    static final String DNS_HOSTNAMES = "enableDnsHostnames";
    static final String TAGS = "tags";
    static final String INSTANCE_TENANCY = "instanceTenancy";
    static final String MAP_PUBLIC_IP = "mapPublicIpOnLaunch";
    static final String VPC = "vpc";
    static final String AVAILABILITY_ZONE = "availabilityZone";
    static final String ATTACHED_VPC = "attachedVpc";
    static final String DOMAIN = "domain";
    static final String SUBNET = "subnet";
    static final String ALLOCATION = "allocation";
    static final String CONNECTIVITY = "connectivityType";
    static final String ROUTES = "routes";
    static final String SUBNETS = "subnets";
    static final String NAME = "name";
    static final String DESCRIPTION = "description";
    static final String INGRESS = "ingress";
    static final String EGRESS = "egress";
    static final String INBOUND = "inbound";
    static final String OUTBOUND = "outbound";
    static final String RETENTION_DAYS = "retentionDays";
    static final String RESOURCE = "resource";
    static final String TRAFFIC_TYPE = "trafficType";
    static final String DESTINATION_TYPE = "destinationType";
    static final String LOG_GROUP = "logGroup";
    static final String DELIVERY_ROLE = "deliveryRole";
    static final String MAX_AGGREGATION_SECONDS = "maxAggregationSeconds";
    /**
     * Observed only, never desired (so never drift): the live association id of each associated
     * subnet, which apply needs to move a subnet away from a route table or NACL.
     */
    static final String ASSOCIATION_IDS = "associationIds";

    static final ResourceKind VPC_KIND = ResourceKind.of("vpc", true, CIDR, INSTANCE_TENANCY);
    static final ResourceKind SUBNET_KIND = ResourceKind.of("subnet", true, VPC, CIDR, AVAILABILITY_ZONE);
    static final ResourceKind INTERNET_GATEWAY = ResourceKind.of("internet-gateway", false);
    static final ResourceKind ELASTIC_IP = ResourceKind.of("elastic-ip", false, DOMAIN);
    static final ResourceKind NAT_GATEWAY = ResourceKind.of("nat-gateway", false, SUBNET, ALLOCATION, CONNECTIVITY);
    static final ResourceKind ROUTE_TABLE = ResourceKind.of("route-table", false, VPC);
    static final ResourceKind SECURITY_GROUP = ResourceKind.of("security-group", false, VPC, NAME, DESCRIPTION);
    static final ResourceKind NETWORK_ACL = ResourceKind.of("network-acl", false, VPC);
    /** Holds the flow-log records: deleting it loses them. */
    static final ResourceKind LOG_GROUP_KIND = ResourceKind.of("log-group", true, NAME);
    /** A flow log cannot be modified: every attribute is replaceOn. */
    static final ResourceKind FLOW_LOG = ResourceKind.of("flow-log", false,
            RESOURCE, TRAFFIC_TYPE, DESTINATION_TYPE, LOG_GROUP, DELIVERY_ROLE, MAX_AGGREGATION_SECONDS);
    static final ResourceKind DB_SUBNET_GROUP = ResourceKind.of("db-subnet-group", false, NAME);
    static final ResourceKind CACHE_SUBNET_GROUP = ResourceKind.of("cache-subnet-group", false, NAME);

    private VpcKinds() {}
}
