package com.qualisys.controlplane.layers.vpc;

import java.util.Locale;

/**
 * The logical ids of the VPC layer. Other layers refer to these exact strings
 * ({@code ref:vpc/subnet/private-a}, {@code ref:vpc/security-group/rds}), so they are part of
 * the layer's contract: {@code vpc/<kind>/<name>}, the name being the spec key where there is one.
 */
public final class VpcIds {
    public static final String LAYER = "vpc";
    public static final String VPC = "vpc/vpc/main";
    public static final String INTERNET_GATEWAY = "vpc/internet-gateway/main";
    public static final String FLOW_LOG_GROUP = "vpc/log-group/flow-logs";
    public static final String FLOW_LOG_ROLE = "vpc/iam-role/flow-logs";
    public static final String FLOW_LOG = "vpc/flow-log/main";
    public static final String DB_SUBNET_GROUP = "vpc/db-subnet-group/main";
    public static final String CACHE_SUBNET_GROUP = "vpc/cache-subnet-group/main";

    private VpcIds() {}

    /** {@code vpc/subnet/<spec key>}, e.g. vpc/subnet/private-a. */
    public static String subnet(String key) {
        return "vpc/subnet/" + key;
    }

    /** The Elastic IP of the NAT gateway of an AZ: vpc/elastic-ip/nat-a. */
    public static String natElasticIp(String availabilityZone) {
        return "vpc/elastic-ip/nat-" + azLetter(availabilityZone);
    }

    /** The NAT gateway of an AZ: vpc/nat-gateway/a. */
    public static String natGateway(String availabilityZone) {
        return "vpc/nat-gateway/" + azLetter(availabilityZone);
    }

    public static String publicRouteTable() {
        return "vpc/route-table/public";
    }

    /** The private route table of an AZ: vpc/route-table/private-a. */
    public static String privateRouteTable(String availabilityZone) {
        return "vpc/route-table/private-" + azLetter(availabilityZone);
    }

    public static String databaseRouteTable() {
        return "vpc/route-table/database";
    }

    /** {@code vpc/security-group/<spec key>}: alb, k8s-nodes, rds, elasticache. */
    public static String securityGroup(String key) {
        return "vpc/security-group/" + key;
    }

    /** {@code vpc/network-acl/<spec key>}: public, private, database. */
    public static String networkAcl(String key) {
        return "vpc/network-acl/" + key;
    }

    /** The letter that ends an AZ name: us-east-1a → a. */
    public static String azLetter(String availabilityZone) {
        return availabilityZone.substring(availabilityZone.length() - 1).toLowerCase(Locale.ROOT);
    }

    /** The name part of a logical id of the given kind (vpc/security-group/rds → rds), or null. */
    public static String nameOf(String kind, String logicalId) {
        String prefix = LAYER + "/" + kind + "/";
        return logicalId != null && logicalId.startsWith(prefix) ? logicalId.substring(prefix.length()) : null;
    }
}
