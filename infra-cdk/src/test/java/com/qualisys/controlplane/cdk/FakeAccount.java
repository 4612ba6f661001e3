package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.cloud_assembly_schema.ContextProvider;
import software.amazon.awscdk.cloud_assembly_schema.MissingContext;

/**
 * What the CDK CLI's context providers answer for an account that the control plane has
 * provisioned the dev environment into: the VPC of environments/dev.yaml (subnet groups classified
 * by their routes, as the VPC provider does: public via the internet gateway, private via NAT,
 * database with no default route) and RDS-SG. Ids are fixed so tests can assert on them.
 */
final class FakeAccount {
    static final String VPC_ID = "vpc-0a1b2c3d4e5f60718";
    static final String RDS_SG_ID = "sg-05432a0b1c2d3e4f5";
    static final String FUNCTIONS_SG_ID = "sg-0db0f0e1d2c3b4a59";

    private FakeAccount() {}

    static String subnetId(String name) {
        return "subnet-" + name.replace("-", "");
    }

    static Object answer(MissingContext missing) {
        ContextProvider provider = missing.getProvider();
        if (provider == ContextProvider.VPC_PROVIDER) return vpc(TestStacks.specs().load(TestStacks.PROVISIONED));
        if (provider == ContextProvider.SECURITY_GROUP_PROVIDER) {
            if (missing.getKey().contains(":securityGroupName=qualisys-rds-sg:")) {
                return Map.of("securityGroupId", RDS_SG_ID, "allowAllOutbound", false);
            }
            if (missing.getKey().contains(":securityGroupName=" + ProvisionedEnvironment.FUNCTIONS_SECURITY_GROUP + ":")) {
                return Map.of("securityGroupId", FUNCTIONS_SG_ID, "allowAllOutbound", false);
            }
        }
        throw new IllegalArgumentException("the test account answers no " + provider + " lookup: " + missing.getKey());
    }

    static Map<String, Object> vpc(EnvironmentSpec spec) {
        Map<String, List<Map<String, Object>>> groups = new TreeMap<>();
        spec.vpc().subnets().forEach((name, subnet) -> groups.computeIfAbsent(groupType(subnet.tier()), t -> new ArrayList<>())
                .add(Map.of("subnetId", subnetId(name), "cidr", subnet.cidr(), "availabilityZone", subnet.az(),
                        "routeTableId", "rtb-" + name)));
        List<Map<String, Object>> subnetGroups = new ArrayList<>();
        groups.forEach((type, subnets) -> {
            subnets.sort((a, b) -> a.get("availabilityZone").toString().compareTo(b.get("availabilityZone").toString()));
            subnetGroups.add(Map.of("name", type, "type", type, "subnets", subnets));
        });
        Map<String, Object> vpc = new LinkedHashMap<>();
        vpc.put("vpcId", VPC_ID);
        vpc.put("vpcCidrBlock", spec.vpc().cidr());
        vpc.put("ownerAccountId", TestStacks.ACCOUNT);
        vpc.put("availabilityZones", spec.vpc().availabilityZones());
        vpc.put("subnetGroups", subnetGroups);
        return vpc;
    }

    private static String groupType(VpcSpec.Tier tier) {
        return switch (tier) {
            case PUBLIC -> "Public";
            case PRIVATE -> "Private";
            case DATABASE -> "Isolated";
        };
    }
}
