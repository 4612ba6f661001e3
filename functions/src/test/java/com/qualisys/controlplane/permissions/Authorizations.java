package com.qualisys.controlplane.permissions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What IAM authorises for one SDK request: its action(s) on the resource ARN the request names,
 * with the request context keys we can know offline (request tags, passed-to service, the
 * policy being attached, the S3 prefix, ...), plus the implied authorisations AWS checks beside
 * the operation's own (iam:PassRole for a role handed to a service, ec2:CreateTags when an EC2
 * create tags on creation).
 */
final class Authorizations {
    record Authorization(String action, String resource, Map<String, List<String>> context) {}

    private final String region;
    private final String account;
    private final ResourceFacts facts;

    Authorizations(String region, String account, ResourceFacts facts) {
        this.region = region;
        this.account = account;
        this.facts = facts;
    }

    List<Authorization> of(String sdkService, String operation, RequestFields f) {
        List<Authorization> out = new ArrayList<>();
        String prefix = IamActions.prefix(sdkService);
        Map<String, List<String>> context = new TreeMap<>();
        Map<String, String> requestTags = f.requestTags();
        requestTags.forEach((k, v) -> context.put("aws:RequestTag/" + k, List.of(v)));
        if (!requestTags.isEmpty()) context.put("aws:TagKeys", List.copyOf(requestTags.keySet()));
        String resource = resource(prefix, operation, f, context);
        for (String action : IamActions.of(sdkService, operation)) out.add(new Authorization(action, resource, context));
        implied(prefix, operation, f, requestTags, out);
        return out;
    }

    // ----- the resource each service's request names -----

    private String resource(String prefix, String op, RequestFields f, Map<String, List<String>> context) {
        return switch (prefix) {
            case "ec2" -> ec2(op, f, context);
            case "iam" -> iam(op, f, context);
            case "s3" -> s3(op, f, context);
            case "sns" -> sns(op, f);
            case "secretsmanager" -> secret(f);
            case "kms" -> kms(op, f, context);
            case "logs" -> logs(f);
            case "cloudtrail" -> cloudTrail(f);
            case "eks" -> eks(f);
            case "rds" -> rds(f);
            case "elasticache" -> f.string("CacheSubnetGroupName") != null
                    ? arn("elasticache", "subnetgroup:" + f.string("CacheSubnetGroupName")) : "*";
            case "dynamodb" -> f.string("TableName") != null ? arn("dynamodb", "table/" + f.string("TableName")) : "*";
            case "budgets" -> budget(f);
            case "ce" -> firstNonNull(f.string("MonitorArn", "SubscriptionArn", "ResourceArn"), "*");
            case "states" -> firstNonNull(f.string("stateMachineArn", "executionArn"), "*");
            case "events" -> eventBus(f);
            case "sts" -> firstNonNull(f.string("RoleArn"), "*");
            default -> "*";
        };
    }

    private String ec2(String op, RequestFields f, Map<String, List<String>> context) {
        if (op.startsWith("Describe") || op.startsWith("Create") && !op.equals("CreateTags") && !op.equals("CreateRoute")
                && !op.equals("CreateNetworkAclEntry") && !op.equals("CreateLaunchTemplateVersion") || op.equals("AllocateAddress")) {
            return "*";
        }
        String id = null;
        List<String> resources = f.strings("Resources");
        if (!resources.isEmpty()) id = resources.get(0);
        if (id == null) id = f.string("GroupId", "RouteTableId", "NetworkAclId", "NatGatewayId", "InternetGatewayId",
                "SubnetId", "AllocationId", "LaunchTemplateId", "VpcId", "AssociationId");
        if (id == null && !f.strings("FlowLogIds").isEmpty()) id = f.strings("FlowLogIds").get(0);
        if (id == null) return "*";
        id = facts.associated(id);
        facts.ec2Tags(id).forEach((k, v) -> context.put("aws:ResourceTag/" + k, List.of(v)));
        return arn("ec2", ec2Type(id) + "/" + id);
    }

    private static String ec2Type(String id) {
        String p = id.substring(0, Math.max(0, id.indexOf('-')));
        return switch (p) {
            case "vpc" -> "vpc";
            case "subnet" -> "subnet";
            case "sg" -> "security-group";
            case "igw" -> "internet-gateway";
            case "nat" -> "natgateway";
            case "rtb" -> "route-table";
            case "acl" -> "network-acl";
            case "eipalloc", "eipassoc" -> "elastic-ip";
            case "lt" -> "launch-template";
            case "fl" -> "vpc-flow-log";
            case "sgr" -> "security-group-rule";
            default -> p;
        };
    }

    private String iam(String op, RequestFields f, Map<String, List<String>> context) {
        String policyArn = f.string("PolicyArn");
        if (policyArn != null && (op.startsWith("AttachRole") || op.startsWith("DetachRole"))) {
            context.put("iam:PolicyARN", List.of(policyArn));
        }
        if (f.string("AWSServiceName") != null) context.put("iam:AWSServiceName", List.of(f.string("AWSServiceName")));
        String boundary = f.string("PermissionsBoundary");
        String role = f.string("RoleName");
        if (role != null) {
            ResourceFacts.Role known = op.equals("CreateRole") ? null : facts.iamRole(role);
            String path = op.equals("CreateRole") ? firstNonNull(f.string("Path"), "/") : known == null ? "/" : known.path();
            if (boundary == null && known != null) boundary = known.permissionsBoundary();
            if (known != null) known.tags().forEach((k, v) -> context.put("aws:ResourceTag/" + k, List.of(v)));
            if (boundary != null) context.put("iam:PermissionsBoundary", List.of(boundary));
            return "arn:aws:iam::" + account + ":role" + path + role;
        }
        if (op.equals("CreatePolicy")) {
            return "arn:aws:iam::" + account + ":policy" + firstNonNull(f.string("Path"), "/") + f.string("PolicyName");
        }
        if (policyArn != null) return policyArn;
        if (f.string("OpenIDConnectProviderArn") != null) return f.string("OpenIDConnectProviderArn");
        if (op.equals("CreateOpenIDConnectProvider")) {
            return "arn:aws:iam::" + account + ":oidc-provider/" + f.string("Url").replaceFirst("^https://", "");
        }
        if (f.string("InstanceProfileName") != null) {
            return "arn:aws:iam::" + account + ":instance-profile/" + f.string("InstanceProfileName");
        }
        return "*";
    }

    private String s3(String op, RequestFields f, Map<String, List<String>> context) {
        String bucket = f.string("Bucket");
        if (bucket == null) return "*";
        if (op.startsWith("ListObject")) context.put("s3:prefix", List.of(firstNonNull(f.string("Prefix"), "")));
        String key = f.string("Key");
        if (op.equals("DeleteObjects") && f.raw("Delete") != null) key = "*";
        return "arn:aws:s3:::" + bucket + (key != null ? "/" + key : "");
    }

    private String sns(String op, RequestFields f) {
        if (op.equals("CreateTopic")) return arn("sns", f.string("Name"));
        String subscription = f.string("SubscriptionArn");
        if (subscription != null) return subscription.substring(0, subscription.lastIndexOf(':'));
        return firstNonNull(f.string("TopicArn", "TargetArn", "ResourceArn"), "*");
    }

    /** A secret's ARN ends in a random six-character suffix; a call by name gets a stand-in one. */
    private String secret(RequestFields f) {
        String id = f.string("SecretId", "Name");
        if (id == null) return "*";
        if (id.startsWith("arn:")) return id;
        return arn("secretsmanager", "secret:" + id + "-AbCdEf");
    }

    private String kms(String op, RequestFields f, Map<String, List<String>> context) {
        String alias = f.string("AliasName");
        String key = f.string("TargetKeyId", "KeyId");
        if (alias != null && (op.endsWith("Alias"))) return arn("kms", alias);
        if (key == null) return "*";
        if (key.startsWith("alias/")) return arn("kms", key);
        String id = key.startsWith("arn:") ? key.substring(key.lastIndexOf('/') + 1) : key;
        facts.kmsTags(id).forEach((k, v) -> context.put("aws:ResourceTag/" + k, List.of(v)));
        return arn("kms", "key/" + id);
    }

    private String logs(RequestFields f) {
        String arn = f.string("resourceArn");
        if (arn != null) return arn.endsWith(":*") ? arn : arn + ":*";
        String group = f.string("logGroupName");
        return group == null ? arn("logs", "log-group:*") : arn("logs", "log-group:" + group + ":*");
    }

    private String cloudTrail(RequestFields f) {
        String name = f.string("Name", "TrailName");
        if (name == null && !f.strings("ResourceIdList").isEmpty()) name = f.strings("ResourceIdList").get(0);
        if (name == null) return "*";
        return name.startsWith("arn:") ? name : arn("cloudtrail", "trail/" + name);
    }

    /** Node groups and add-ons carry a generated id after their name: a stand-in one here. */
    private String eks(RequestFields f) {
        String arn = f.string("resourceArn");
        if (arn != null) return arn;
        String cluster = f.string("clusterName");
        String name = f.string("name");
        if (cluster == null) return name == null ? "*" : arn("eks", "cluster/" + name);
        if (f.string("nodegroupName") != null) return arn("eks", "nodegroup/" + cluster + "/" + f.string("nodegroupName") + "/0a1b2c3d");
        if (f.string("addonName") != null) return arn("eks", "addon/" + cluster + "/" + f.string("addonName") + "/0a1b2c3d");
        return arn("eks", "cluster/" + cluster);
    }

    private String rds(RequestFields f) {
        String arn = f.string("ResourceName");
        if (arn != null) return arn;
        if (f.string("DBSnapshotIdentifier") != null) return arn("rds", "snapshot:" + f.string("DBSnapshotIdentifier"));
        if (f.string("DBInstanceIdentifier") != null) return arn("rds", "db:" + f.string("DBInstanceIdentifier"));
        if (f.string("DBParameterGroupName") != null) return arn("rds", "pg:" + f.string("DBParameterGroupName"));
        if (f.string("DBSubnetGroupName") != null) return arn("rds", "subgrp:" + f.string("DBSubnetGroupName"));
        return "*";
    }

    /** CreateBudget/UpdateBudget name the budget inside their Budget (or NewBudget) member. */
    private String budget(RequestFields f) {
        String name = f.string("BudgetName");
        for (String member : List.of("Budget", "NewBudget")) {
            if (name == null && f.raw(member) instanceof software.amazon.awssdk.core.SdkPojo b) name = new RequestFields(b).string("BudgetName");
        }
        return name == null ? "*" : "arn:aws:budgets::" + account + ":budget/" + name;
    }

    private String eventBus(RequestFields f) {
        if (f.raw("Entries") instanceof List<?> entries && !entries.isEmpty()
                && entries.get(0) instanceof software.amazon.awssdk.core.SdkPojo entry) {
            String bus = new RequestFields(entry).string("EventBusName");
            return arn("events", "event-bus/" + firstNonNull(bus, "default"));
        }
        return "*";
    }

    // ----- what AWS checks beside the operation -----

    /** Request members that hand a role to the service, and the service it is passed to. */
    private static final Map<String, String> PASSED_ROLES = new LinkedHashMap<>();
    static {
        PASSED_ROLES.put("ec2:DeliverLogsPermissionArn", "vpc-flow-logs.amazonaws.com");
        PASSED_ROLES.put("eks:roleArn", "eks.amazonaws.com");
        PASSED_ROLES.put("eks:nodeRole", "eks.amazonaws.com");
        PASSED_ROLES.put("eks:serviceAccountRoleArn", "eks.amazonaws.com");
        PASSED_ROLES.put("rds:MonitoringRoleArn", "monitoring.rds.amazonaws.com");
        PASSED_ROLES.put("cloudtrail:CloudWatchLogsRoleArn", "cloudtrail.amazonaws.com");
    }

    private void implied(String prefix, String op, RequestFields f, Map<String, String> requestTags, List<Authorization> out) {
        PASSED_ROLES.forEach((member, service) -> {
            if (!member.startsWith(prefix + ":")) return;
            String role = f.string(member.substring(prefix.length() + 1));
            if (role == null) return;
            Map<String, List<String>> ctx = new TreeMap<>(Map.of("iam:PassedToService", List.of(service)));
            out.add(new Authorization("iam:PassRole", role, ctx));
        });
        if (prefix.equals("ec2") && op.startsWith("Create") && !op.equals("CreateTags") && f.raw("TagSpecifications") != null) {
            Map<String, List<String>> ctx = new TreeMap<>();
            ctx.put("ec2:CreateAction", List.of(op));
            requestTags.forEach((k, v) -> ctx.put("aws:RequestTag/" + k, List.of(v)));
            out.add(new Authorization("ec2:CreateTags", "*", ctx));
        }
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
