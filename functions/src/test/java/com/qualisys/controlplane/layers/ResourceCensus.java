package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * How many resources of every type an account holds, read with list calls of their own (not the
 * layers' observers): what a duplicate would show up in. Covers every type the layers create,
 * including aliases, security groups, inline policies, parameter groups and secret versions.
 */
public final class ResourceCensus {
    private ResourceCensus() {}

    public static Map<String, Integer> of(AwsClients aws) {
        Map<String, Integer> n = new TreeMap<>();
        var ec2 = aws.ec2();
        count(n, "ec2 vpcs", () -> ec2.describeVpcs().vpcs().size());
        count(n, "ec2 subnets", () -> ec2.describeSubnets().subnets().size());
        count(n, "ec2 security groups", () -> ec2.describeSecurityGroups().securityGroups().size());
        count(n, "ec2 security group rules", () -> ec2.describeSecurityGroupRules(r -> {}).securityGroupRules().size());
        count(n, "ec2 route tables", () -> ec2.describeRouteTables().routeTables().size());
        count(n, "ec2 routes", () -> ec2.describeRouteTables().routeTables().stream().mapToInt(t -> t.routes().size()).sum());
        count(n, "ec2 network acls", () -> ec2.describeNetworkAcls().networkAcls().size());
        count(n, "ec2 network acl entries", () -> ec2.describeNetworkAcls().networkAcls().stream().mapToInt(a -> a.entries().size()).sum());
        count(n, "ec2 internet gateways", () -> ec2.describeInternetGateways().internetGateways().size());
        count(n, "ec2 nat gateways", () -> (int) ec2.describeNatGateways().natGateways().stream()
                .filter(g -> !"deleted".equals(g.stateAsString())).count());
        count(n, "ec2 elastic ips", () -> ec2.describeAddresses().addresses().size());
        count(n, "ec2 launch templates", () -> ec2.describeLaunchTemplates().launchTemplates().size());
        count(n, "ec2 launch template versions", () -> ec2.describeLaunchTemplates().launchTemplates().stream()
                .mapToInt(t -> ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(t.launchTemplateId())).launchTemplateVersions().size()).sum());
        count(n, "ec2 flow logs", () -> ec2.describeFlowLogs().flowLogs().size());
        count(n, "ec2 vpc endpoints", () -> ec2.describeVpcEndpoints().vpcEndpoints().size());
        var iam = aws.iam();
        count(n, "iam roles", () -> iam.listRoles().roles().size());
        count(n, "iam customer policies", () -> iam.listPolicies(r -> r.scope("Local")).policies().size());
        count(n, "iam customer policy versions", () -> iam.listPolicies(r -> r.scope("Local")).policies().stream()
                .mapToInt(p -> iam.listPolicyVersions(v -> v.policyArn(p.arn())).versions().size()).sum());
        count(n, "iam inline role policies", () -> iam.listRoles().roles().stream()
                .mapToInt(r -> iam.listRolePolicies(p -> p.roleName(r.roleName())).policyNames().size()).sum());
        count(n, "iam role policy attachments", () -> iam.listRoles().roles().stream()
                .mapToInt(r -> iam.listAttachedRolePolicies(p -> p.roleName(r.roleName())).attachedPolicies().size()).sum());
        count(n, "iam groups", () -> iam.listGroups().groups().size());
        count(n, "iam oidc providers", () -> iam.listOpenIDConnectProviders().openIDConnectProviderList().size());
        count(n, "iam account aliases", () -> iam.listAccountAliases().accountAliases().size());
        count(n, "kms keys", () -> aws.kms().listKeys().keys().size());
        count(n, "kms aliases", () -> (int) aws.kms().listAliases().aliases().stream()
                .filter(a -> !a.aliasName().startsWith("alias/aws/")).count());
        count(n, "sns topics", () -> aws.sns().listTopics().topics().size());
        count(n, "sns subscriptions", () -> aws.sns().listSubscriptions().subscriptions().size());
        count(n, "s3 buckets", () -> aws.s3().listBuckets().buckets().size());
        count(n, "cloudtrail trails", () -> aws.cloudTrail().describeTrails().trailList().size());
        count(n, "logs log groups", () -> aws.logs().describeLogGroups().logGroups().size());
        String account = aws.sts().getCallerIdentity().account();
        count(n, "budgets", () -> aws.budgets().describeBudgets(r -> r.accountId(account)).budgets().size());
        count(n, "budget notifications", () -> aws.budgets().describeBudgets(r -> r.accountId(account)).budgets().stream()
                .mapToInt(b -> aws.budgets().describeNotificationsForBudget(r -> r.accountId(account).budgetName(b.budgetName()))
                        .notifications().size()).sum());
        count(n, "budget subscribers", () -> aws.budgets().describeBudgets(r -> r.accountId(account)).budgets().stream()
                .flatMap(b -> aws.budgets().describeNotificationsForBudget(r -> r.accountId(account).budgetName(b.budgetName()))
                        .notifications().stream().map(x -> aws.budgets().describeSubscribersForNotification(r -> r.accountId(account)
                                .budgetName(b.budgetName()).notification(x)).subscribers().size()))
                .mapToInt(Integer::intValue).sum());
        count(n, "anomaly monitors", () -> (int) aws.costExplorer().getAnomalyMonitorsPaginator(r -> {}).anomalyMonitors().stream().count());
        count(n, "anomaly subscriptions", () -> (int) aws.costExplorer().getAnomalySubscriptionsPaginator(r -> {})
                .anomalySubscriptions().stream().count());
        count(n, "eks clusters", () -> aws.eks().listClusters().clusters().size());
        count(n, "eks node groups", () -> aws.eks().listClusters().clusters().stream()
                .mapToInt(c -> aws.eks().listNodegroups(r -> r.clusterName(c)).nodegroups().size()).sum());
        count(n, "eks add-ons", () -> aws.eks().listClusters().clusters().stream()
                .mapToInt(c -> aws.eks().listAddons(r -> r.clusterName(c)).addons().size()).sum());
        count(n, "rds instances", () -> aws.rds().describeDBInstances().dbInstances().size());
        count(n, "rds parameter groups", () -> (int) aws.rds().describeDBParameterGroups().dbParameterGroups().stream()
                .filter(g -> !g.dbParameterGroupName().startsWith("default.")).count());
        count(n, "rds subnet groups", () -> aws.rds().describeDBSubnetGroups().dbSubnetGroups().size());
        count(n, "elasticache subnet groups", () -> aws.elastiCache().describeCacheSubnetGroups().cacheSubnetGroups().size());
        count(n, "secrets", () -> aws.secretsManager().listSecrets().secretList().size());
        count(n, "secret versions", () -> aws.secretsManager().listSecrets().secretList().stream()
                .mapToInt(s -> aws.secretsManager().listSecretVersionIds(r -> r.secretId(s.arn())).versions().size()).sum());
        return n;
    }

    private static void count(Map<String, Integer> n, String type, Supplier<Integer> list) {
        n.put(type, list.get());
    }
}
