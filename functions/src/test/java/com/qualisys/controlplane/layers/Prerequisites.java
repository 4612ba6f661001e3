package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * What the EKS and RDS layers need from the VPC and IAM layers, made directly with the SDK and
 * carrying the identity tags those layers will put on them, so the resource index finds them by
 * tag. Only until the VPC and IAM layers are merged: then tests apply those layers instead
 * (one place to switch).
 */
public final class Prerequisites {
    public final Map<String, String> physicalIds = new HashMap<>();

    private Prerequisites() {}

    public static Prerequisites create(AwsClients aws, EnvironmentSpec spec) {
        Prerequisites p = new Prerequisites();
        String env = spec.environment();
        var ec2 = aws.ec2();
        String vpc = ec2.createVpc(r -> r.cidrBlock(spec.vpc().cidr())
                .tagSpecifications(tags(ResourceType.VPC, env, "vpc/vpc/main", spec.vpc().name()))).vpc().vpcId();
        p.physicalIds.put("vpc/vpc/main", vpc);
        List<String> databaseSubnets = new ArrayList<>();
        spec.vpc().subnets().forEach((key, subnet) -> {
            if (subnet.tier() == VpcSpec.Tier.PUBLIC) return;
            String id = "vpc/subnet/" + key;
            String subnetId = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(subnet.cidr()).availabilityZone(subnet.az())
                    .tagSpecifications(tags(ResourceType.SUBNET, env, id, "qualisys-" + key))).subnet().subnetId();
            p.physicalIds.put(id, subnetId);
            if (subnet.tier() == VpcSpec.Tier.DATABASE) databaseSubnets.add(subnetId);
        });
        for (String key : List.of("k8s-nodes", "rds")) {
            VpcSpec.SecurityGroup sg = spec.vpc().securityGroups().get(key);
            String id = "vpc/security-group/" + key;
            String groupId = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName(sg.name()).description(sg.description())
                    .tagSpecifications(tags(ResourceType.SECURITY_GROUP, env, id, sg.name()))).groupId();
            p.physicalIds.put(id, groupId);
        }
        String groupName = spec.vpc().dbSubnetGroup();
        aws.rds().createDBSubnetGroup(r -> r.dbSubnetGroupName(groupName).dbSubnetGroupDescription("QUALISYS database subnets")
                .subnetIds(databaseSubnets).tags(Tags.identity(env, "vpc/db-subnet-group/main", groupName).entrySet().stream()
                        .map(e -> software.amazon.awssdk.services.rds.model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        p.physicalIds.put("vpc/db-subnet-group/main", groupName);
        String roleName = spec.eks().clusterRole();
        String roleArn = aws.iam().createRole(r -> r.roleName(roleName)
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"Service\":\"eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")
                .tags(Tags.identity(env, "iam/role/" + roleName, roleName).entrySet().stream()
                        .map(e -> software.amazon.awssdk.services.iam.model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()))
                .role().arn();
        p.physicalIds.put("iam/role/" + roleName, roleArn);
        return p;
    }

    private static TagSpecification tags(ResourceType type, String env, String logicalId, String name) {
        return TagSpecification.builder().resourceType(type).tags(Tags.identity(env, logicalId, name).entrySet().stream()
                .map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                .build();
    }
}
