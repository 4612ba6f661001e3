package com.qualisys.controlplane.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

public record VpcSpec(
        String name,
        String cidr,
        List<String> availabilityZones,
        Map<String, Subnet> subnets,
        Map<String, Map<String, String>> subnetTags,
        boolean natGatewayPerAz,
        Map<String, SecurityGroup> securityGroups,
        Map<String, NetworkAcl> networkAcls,
        FlowLogs flowLogs,
        String dbSubnetGroup,
        String cacheSubnetGroup) {

    public enum Tier {
        @JsonProperty("public") PUBLIC,
        @JsonProperty("private") PRIVATE,
        @JsonProperty("database") DATABASE;

        /** The tier's name as the spec writes it: public, private, database. */
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Subnet(Tier tier, String az, String cidr) {}

    /**
     * A security-group rule. peer is a CIDR, {@code sg:<key>} (another group of this spec) or
     * {@code self}. ports is a single port or a range "from-to"; absent for protocol "all".
     */
    public record SecurityGroupRule(String protocol, String ports, String peer) {}

    public record SecurityGroup(String name, String description, List<SecurityGroupRule> ingress,
                                List<SecurityGroupRule> egress) {}

    /** A NACL entry; action defaults to allow. */
    public record NaclEntry(int rule, String protocol, String ports, String cidr, String action) {}

    public record NetworkAcl(Tier tier, List<NaclEntry> inbound, List<NaclEntry> outbound) {}

    public record FlowLogs(String logGroup, String trafficType, int aggregationSeconds, int retentionDays,
                           String deliveryRole) {}
}
