package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.events.budget.BudgetLadder;
import com.qualisys.controlplane.spec.EksSpec;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.IamSpec;
import com.qualisys.controlplane.layers.iam.IamDesired;
import com.qualisys.controlplane.layers.rds.RdsResources;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.TreeSet;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

/**
 * What each function may do, and nothing more. Two principles:
 * <ul>
 * <li>Names: the seed's resources are named {@code qualisys-*} / {@code Qualisys*} (and secrets
 *     {@code qualisys/*}); every statement an API lets us scope by name is scoped so.</li>
 * <li>Tags: the control plane tags what it creates ({@code qualisys:managed-by}); EC2, KMS and the
 *     create calls of IAM, Secrets Manager, SNS and Cost Explorer are allowed only with that tag in
 *     the request, and EC2/KMS changes only on resources that carry it.</li>
 * </ul>
 * The control plane's own state ({@code qualisys-control-plane-*}) is explicitly out of the
 * appliers' reach, and its roles live under the {@code /control-plane/} path, which the
 * {@code role/Qualisys*} grants do not match.
 */
final class FunctionPolicies {
    static final String MANAGED = "aws:ResourceTag/" + Tags.MANAGED_BY;
    static final String CREATED_MANAGED = "aws:RequestTag/" + Tags.MANAGED_BY;
    static final String ROLE_PATH = "/control-plane/";
    static final String ROLE_NAME_PREFIX = "qualisys-control-plane-";
    /** What the layers do to the log groups they own. */
    private static final List<String> LOG_GROUP_WRITES = List.of("logs:CreateLogGroup", "logs:PutRetentionPolicy",
            "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:DeleteLogGroup");
    /** AWS managed policies that hand out administration: attachable only to the roles the spec names for them. */
    /** Why a layer's delete is granted though no test removes that kind from a spec. */
    private static final String DELETED_FROM_SPEC = "the layer deletes what its spec no longer names, or replaces it (a"
            + " destructive change, applied only when approved); no test removes this kind from a spec";
    static final java.util.Set<String> ADMIN_CLASS = java.util.Set.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess");

    private final Construct scope;
    private final EnvironmentSpec spec;
    /** Read-only over everything the layers observe: PlanLayer, LayerReadiness, ApplyLayer, SecurityEvent. */
    private ManagedPolicy read;
    /** The layers' writes, one managed policy per area (each stays under IAM's 6,144-character limit). */
    private List<ManagedPolicy> apply;

    /**
     * In the hub ({@link ControlPlaneFunctions}) only the functions' own statements are used; in a spoke
     * ({@link EnvironmentAccessStack}) the layers' managed policies and {@link #environmentStatements()}
     * make the execution role, and {@link #grantInEnvironment} the database functions' roles.
     */
    FunctionPolicies(Construct scope, EnvironmentSpec spec) {
        this.scope = scope;
        this.spec = spec;
    }

    /** The layers' policies (created in this scope on first use): read-only first, then the writes. */
    List<ManagedPolicy> layerPolicies() {
        if (read != null) {
            List<ManagedPolicy> all = new ArrayList<>(List.of(read));
            all.addAll(apply);
            return all;
        }
        read = policy("ReadPolicy", "Read-only view of the QUALISYS layers (plan, readiness, drift)", readStatements());
        apply = List.of(
                policy("ApplyNetworkPolicy", "Creates and repairs the VPC layer's EC2 resources", networkStatements()),
                policy("ApplyIdentityPolicy", "Creates and repairs the seed's IAM roles and policies", identityStatements()),
                policy("ApplyPlatformPolicy", "Creates and repairs EKS, RDS, their KMS keys, secrets and log groups", platformStatements()),
                policy("ApplyAccountPolicy", "Creates and repairs budgets, anomaly detection, CloudTrail and the account alias", accountStatements()));
        String wildcardReason = "Describe/List/Get calls of EC2, EKS, RDS, KMS, IAM, Budgets, Cost Explorer and"
                + " CloudTrail have no resource-level permissions; writes are scoped to qualisys-*/Qualisys* names"
                + " or to resources tagged " + Tags.MANAGED_BY + "=" + Tags.MANAGED_BY_VALUE
                + " (see FunctionPolicies), and the control plane's own state is denied.";
        Nag.suppress(read, "AwsSolutions-IAM5", wildcardReason);
        apply.forEach(p -> Nag.suppress(p, "AwsSolutions-IAM5", wildcardReason));
        return layerPolicies();
    }

    /**
     * What the functions do in an environment's account beside the layers: the direct remediations of
     * events.security.RemediationExecutor (SecurityEvent) and the budget ladder's cost drivers and
     * Playwright cap (BudgetAlert). Granted to the spoke's execution role.
     */
    List<PolicyStatement> environmentStatements() {
        List<PolicyStatement> out = new ArrayList<>();
        out.add(allow(List.of("cloudtrail:StartLogging"), List.of(arn("cloudtrail", "trail/" + spec.monitoring().cloudTrail().trailName()))));
        out.add(conditional(List.of("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"),
                List.of(arn("ec2", "security-group/*")), "StringEquals", Map.of(MANAGED, Tags.MANAGED_BY_VALUE)));
        out.add(allow(List.of("ce:GetCostAndUsage"), List.of("*")));
        EksSpec.NodeGroup pool = spec.eks().nodeGroups().get(BudgetLadder.PLAYWRIGHT_POOL);
        if (pool != null) {
            out.add(allow(List.of("eks:DescribeNodegroup", "eks:UpdateNodegroupConfig"),
                    List.of(arn("eks", "nodegroup/" + spec.eks().clusterName() + "/" + pool.name() + "/*"))));
        }
        return out;
    }

    /** The hub's functions reach an environment only through its execution role (and only with its external id). */
    static PolicyStatement assumeExecutionRoles(List<EnvironmentSpec> environments) {
        return allow(List.of("sts:AssumeRole"), environments.stream().map(e -> e.aws().executionRoleArn()).distinct().toList());
    }

    /** The statements that belong to one function alone: its state, its topics, its secrets. */
    void grantOwn(FunctionCatalog function, Role role, StateStore state, Alerting alerting) {
        // ControlPlane.reconciler(spec): the functions that plan read the budget overrides in the hub.
        if (EnumSet.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER, FunctionCatalog.LAYER_READINESS,
                FunctionCatalog.SECURITY_EVENT).contains(function)) {
            readOverrides().forEach(role::addToPolicy);
            Nag.suppress(role, "AwsSolutions-IAM5", "The budget overrides are one object per override under overrides/ of"
                    + " the report bucket, named when the cap is made: the planning functions read them all, write none",
                    List.of("Resource::arn:<AWS::Partition>:s3:::" + spec.reportBucket() + "/" + StateStore.OVERRIDES_PREFIX + "*"));
        }
        switch (function) {
            case LOCK -> {
                // A lease is taken with a conditional PutItem and given back with an UpdateItem: never deleted.
                state.lockTable.grant(role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
                // Who approved a run: the principal CloudTrail recorded for its SendTaskSuccess (no resource-level permissions).
                role.addToPolicy(allow(List.of("cloudtrail:LookupEvents"), List.of("*")));
            }
            // Every writer holds the environment's lease and checks its fencing token before each write.
            case APPLY_LAYER -> state.lockTable.grant(role, "dynamodb:GetItem", "dynamodb:UpdateItem", Unexercised.because(
                    "ApplyLayer invoked without a lease in its input (the console's test event, a script) takes the lease"
                    + " itself (ApplyLayerHandler: ApplyLock.withLease, a conditional PutItem); provision passes its own",
                    "dynamodb:PutItem").get(0));
            case REPORT -> {
                role.addToPolicy(allow(List.of("s3:PutObject", "s3:GetObject"), List.of(state.reportBucket.arnForObjects("*"))));
                role.addToPolicy(allow(Unexercised.because("S3 answers a GetObject of a missing key with 404 only to a caller"
                        + " that may list the bucket, else 403: the Report function reads the previous report, which the first"
                        + " drift check of an environment does not find", "s3:ListBucket"), List.of(state.reportBucket.getBucketArn())));
                // The drift-check machine publishes the result and its event itself (its sns:publish and
                // events:putEvents Tasks, with the state machine's role), not through this function.
                // Drift attribution reads the environment's CloudTrail as the execution role (readStatements).
            }
            case NOTIFY -> Alerting.grantPublish(alerting.alertTopic, role);
            // Their remediations and the budget ladder's actions in an environment are the spoke role's
            // (environmentStatements); here only the hub's own topic, bucket and state machines.
            case SECURITY_EVENT -> {
                Alerting.grantPublish(alerting.alertTopic, role);
                // The event claims (events.EventLedger) that make a redelivered event a duplicate; a claim is never
                // given back here (EventBridge does not retry a started execution), so no DeleteItem.
                state.lockTable.grant(role, Unexercised.because("the targeted repair takes the environment's lease; when"
                        + " another writer holds it, ApplyLock reads the holder to name it in the refusal", "dynamodb:GetItem").get(0),
                        "dynamodb:PutItem", "dynamodb:UpdateItem");
            }
            case BUDGET_ALERT -> {
                Alerting.grantPublish(alerting.alertTopic, role);
                // The cap and the restore hold the environment's lease (the hub's lock table); the alert claims
                // (events.EventLedger) make a redelivered alert a duplicate, and a failed response gives its claim back.
                state.lockTable.grant(role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
                // The override records (overrides/<env>/<id>.json in the report bucket) that restore a cap.
                role.addToPolicy(allow(List.of("s3:PutObject", "s3:GetObject"),
                        List.of(state.reportBucket.arnForObjects("overrides/*"))));
                role.addToPolicy(conditional(List.of("s3:ListBucket"), List.of(state.reportBucket.getBucketArn()),
                        "StringLike", Map.of("s3:prefix", "overrides/*")));
                // The ladder asks for a drift check with an event on the hub's bus (the DriftCheckRequested rule starts it).
                role.addToPolicy(allow(Unexercised.because("BudgetAlertHandler, invoked by an environment's alert topic,"
                        + " asks for a drift check on the hub's bus after a cap (the tests' deliveries are answered by"
                        + " budget-response's own events:putEvents Task)", "events:PutEvents"), List.of(eventBusArn())));
            }
            default -> { }
        }
    }

    /**
     * The database functions, deployed in the environment's own account (the spoke's phase 2), act with their own
     * roles there: DbInit reads the database's two secrets, SecretRotation also writes their new versions and
     * moves AWSPENDING/AWSCURRENT between them. Only this environment's two secrets.
     */
    void grantInEnvironment(FunctionCatalog function, Role role) {
        List<String> reads = List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
        switch (function) {
            case DB_INIT -> role.addToPolicy(allow(reads, databaseSecretArns()));
            case SECRET_ROTATION -> {
                role.addToPolicy(allow(List.of("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                        "secretsmanager:UpdateSecretVersionStage"), databaseSecretArns()));
                // Describing is how it tells a database secret from any other it is asked to rotate (and refuses those).
                role.addToPolicy(allow(List.of("secretsmanager:DescribeSecret"), List.of(secretArn("qualisys/*"))));
                Nag.suppress(role, "AwsSolutions-IAM5", "DescribeSecret reads only a secret's metadata: the rotation function"
                        + " describes whatever secret it is asked to rotate to refuse, by name, any but the database's two",
                        List.of("Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:qualisys/*"));
                role.addToPolicy(allow(List.of("secretsmanager:GetRandomPassword"), List.of("*")));
            }
            default -> throw new IllegalArgumentException(function.deployedName() + " is not deployed in an environment's account");
        }
        role.addToPolicy(decryptThroughSecretsManager(function == FunctionCatalog.SECRET_ROTATION
                ? List.of("kms:Decrypt", "kms:GenerateDataKey") : List.of("kms:Decrypt")));
    }

    /** Secrets Manager appends a random six-character suffix to every secret's ARN. */
    private List<String> databaseSecretArns() {
        return List.of(secretArn(spec.rds().secrets().master() + "-??????"),
                secretArn(spec.rds().secrets().connection() + "-??????"));
    }

    private static PolicyStatement decryptThroughSecretsManager(List<String> actions) {
        Unexercised.because("Secrets Manager uses the secret's key on the caller's behalf (kms:ViaService): the code never"
                + " calls KMS for it", actions.toArray(String[]::new));
        return conditional(actions, List.of("*"), "StringEquals",
                Map.of("kms:ViaService", "secretsmanager." + Aws.REGION + ".amazonaws.com"));
    }

    static String stateMachineArn(String definitionName) {
        return arn("states", "stateMachine:" + com.qualisys.controlplane.handlers.StateMachines.deployedName(definitionName));
    }

    static String eventBusArn() {
        return arn("events", "event-bus/" + ControlPlaneStack.EVENT_BUS);
    }

    // ----- read -----

    private List<PolicyStatement> readStatements() {
        return List.of(
                allow(List.of("ec2:Describe*", "eks:Describe*", "eks:List*", "rds:Describe*", "rds:ListTagsForResource",
                        "kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus",
                        // A key whose identity tags were removed is found by its alias; its other tags say whose it is.
                        "kms:ListResourceTags", "secretsmanager:ListSecrets", "logs:DescribeLogGroups",
                        "cloudtrail:DescribeTrails",
                        "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:ListTags",
                        // Drift attribution (Report): who changed a drifted resource, from the event history.
                        "cloudtrail:LookupEvents",
                        "sns:ListTopics", "budgets:ViewBudget",
                        "ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions",
                        "iam:ListRoles", "iam:ListAccountAliases", "iam:ListOpenIDConnectProviders",
                        // The IAM layer reads every role and policy with their documents in one paged call.
                        "iam:GetAccountAuthorizationDetails",
                        "s3:ListAllMyBuckets", "tag:GetResources",
                        // The VPC layer observes the cache subnet groups (plan, apply, drift, security events).
                        "elasticache:DescribeCacheSubnetGroups"),
                        List.of("*")),
                // The RDS layer observes its secrets' values (the master's username, the connection's host/port).
                allow(List.of("secretsmanager:GetSecretValue"), List.of(secretArn("qualisys/*"))),
                decryptThroughSecretsManager(List.of("kms:Decrypt")),
                allow(List.of("iam:GetRole", "iam:ListPolicyVersions",
                        "iam:ListInstanceProfilesForRole", "iam:ListEntitiesForPolicy", "iam:GetOpenIDConnectProvider"), identityArns()),
                allow(List.of("secretsmanager:DescribeSecret"), List.of(secretArn("qualisys/*"))),
                // The trail bucket is observed with GetBucket* only (no HeadBucket, no listing).
                allow(List.of("s3:GetBucket*", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration"),
                        List.of(s3Arn("qualisys-*"))),
                allow(List.of("sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"),
                        List.of(arn("sns", "qualisys-*"))));
    }

    /**
     * The budget ladder's active overrides (events.budget.OverrideFilter), read from the hub's report bucket
     * by every function that plans: a plan leaves alone what an override changed on purpose until it is restored.
     */
    private List<PolicyStatement> readOverrides() {
        Unexercised.because("an override object is read only when one exists for the environment (events.budget.OverrideFilter);"
                + " the security response's tests plan where no budget action was taken", "s3:GetObject");
        return List.of(allow(List.of("s3:GetObject"), List.of(s3Arn(spec.reportBucket()) + "/" + StateStore.OVERRIDES_PREFIX + "*")),
                conditional(List.of("s3:ListBucket"), List.of(s3Arn(spec.reportBucket())), "StringLike",
                        Map.of("s3:prefix", StateStore.OVERRIDES_PREFIX + "*")));
    }

    // ----- apply: network -----

    private List<PolicyStatement> networkStatements() {
        List<String> creates = List.of("ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway",
                "ec2:CreateNatGateway", "ec2:AllocateAddress", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup",
                "ec2:CreateNetworkAcl", "ec2:CreateFlowLogs", "ec2:CreateLaunchTemplate");
        Unexercised.because(DELETED_FROM_SPEC + " (layers.vpc: Vpcs, InternetGateways, RouteTables, NetworkAcls, FlowLogs,"
                + " ElasticIps, NatGateways; an internet gateway is detached and a NAT gateway's address released first)",
                "ec2:DeleteVpc", "ec2:DeleteInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteRouteTable",
                "ec2:DeleteNetworkAcl", "ec2:DeleteFlowLogs", "ec2:ReleaseAddress", "ec2:DisassociateAddress");
        Unexercised.because(DELETED_FROM_SPEC + " (layers.eks.LaunchTemplateChanges: the Playwright pool's launch template)",
                "ec2:DeleteLaunchTemplate");
        Unexercised.because("layers.eks.LaunchTemplateChanges: a launch template whose data differs from the spec gets a new"
                + " version (the tests' templates never change after creation)", "ec2:CreateLaunchTemplateVersion");
        return List.of(
                // Creates carry the identity tags in TagSpecifications, so the tag is in the request.
                conditional(creates, List.of("*"), "StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                conditional(List.of("ec2:CreateTags"), List.of("*"), "StringEquals", Map.of("ec2:CreateAction", creates.stream()
                        .map(a -> a.substring("ec2:".length())).toList())),
                // A resource found again after its identity tags were removed out of band is tagged with them again:
                // only the identity tags (and its Name), with managed-by in the request.
                statement(List.of("ec2:CreateTags"), List.of("*"), Map.of(
                        "StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE),
                        "ForAllValues:StringLike", Map.of("aws:TagKeys", List.of("qualisys:*", "Name")))),
                // Everything else only on what the control plane created.
                conditional(List.of("ec2:CreateTags", "ec2:ModifyVpcAttribute", "ec2:ModifySubnetAttribute",
                        "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:CreateRoute", "ec2:ReplaceRoute",
                        "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
                        "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                        "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                        "ec2:CreateNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:DeleteNetworkAclEntry",
                        "ec2:DisassociateAddress",
                        "ec2:DeleteVpc", "ec2:DeleteSubnet", "ec2:DeleteInternetGateway", "ec2:DeleteNatGateway",
                        "ec2:ReleaseAddress", "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup", "ec2:DeleteNetworkAcl",
                        "ec2:DeleteFlowLogs", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate"),
                        List.of("*"), "StringEquals", Map.of(MANAGED, Tags.MANAGED_BY_VALUE)),
                // A subnet moves between network ACLs: onto the spec's (tagged) ACL, and back to its VPC's default ACL
                // when released, which AWS made untagged with the VPC; IAM cannot name it before the VPC exists.
                // Moving an association changes no rule.
                allow(List.of("ec2:ReplaceNetworkAclAssociation"), List.of(arn("ec2", "network-acl/*"))),
                // Lost identity (layers.vpc): a resource of the layer whose identity tags were removed out of band is
                // found by its unique attributes and tagged again; only the control plane's own tag keys, naming it.
                PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(List.of("ec2:CreateTags"))
                        .resources(Stream.of("vpc", "subnet", "route-table", "network-acl", "security-group", "internet-gateway",
                                "natgateway", "elastic-ip", "vpc-flow-log").map(t -> arn("ec2", t + "/*")).toList())
                        .conditions(Map.of("StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE),
                                "ForAllValues:StringLike", Map.of("aws:TagKeys", List.of("qualisys:*")))).build(),
                // VPC flow logs deliver to their log group through the spec's delivery role.
                allow(LOG_GROUP_WRITES, List.of(logGroupArn(spec.vpc().flowLogs().logGroup()))),
                // The spec's cache subnet groups (ElastiCache names them in lower case).
                allow(List.of("elasticache:CreateCacheSubnetGroup", "elasticache:ModifyCacheSubnetGroup",
                        "elasticache:DeleteCacheSubnetGroup", "elasticache:AddTagsToResource"),
                        List.of(arn("elasticache", "subnetgroup:qualisys-*"))),
                passRole(List.of(spec.vpc().flowLogs().deliveryRole()), List.of("vpc-flow-logs.amazonaws.com")));
    }

    // ----- apply: identity -----

    private List<PolicyStatement> identityStatements() {
        // The AWS managed policies the seed attaches (IamSpec and the EKS node role); customer managed ones
        // are the spec's own Qualisys* policies. Nothing else can be attached.
        // Admin-class policies (ADMIN_CLASS) only onto the roles the spec names for them, each role alone.
        TreeSet<String> attachable = new TreeSet<>();
        Map<String, TreeSet<String>> adminClassByRole = new java.util.TreeMap<>();
        for (IamSpec.Role r : spec.iam().roles()) {
            for (String p : r.awsManagedPolicies()) {
                if (ADMIN_CLASS.contains(p)) adminClassByRole.computeIfAbsent(r.name(), k -> new TreeSet<>()).add(awsManagedPolicyArn(p));
                else attachable.add(awsManagedPolicyArn(p));
            }
        }
        spec.eks().nodeRolePolicies().forEach(p -> attachable.add(awsManagedPolicyArn(p)));
        // The RDS layer's enhanced-monitoring role (its AWS managed policy lives under service-role/).
        attachable.add("arn:" + Aws.PARTITION + ":" + RdsResources.MONITORING_POLICY.substring("arn:aws:".length()));
        attachable.addAll(customerPolicyArns());
        // Permissions only go onto roles that carry the control plane's boundary (layers.support.PermissionsBoundary).
        Map<String, Object> bounded = Map.of("iam:PermissionsBoundary", boundaryArn());
        List<PolicyStatement> out = new ArrayList<>();
        adminClassByRole.forEach((role, policies) -> {
            out.add(statement(List.of("iam:AttachRolePolicy"), List.of(globalArn("iam", "role/" + role)),
                    Map.of("ArnEquals", Map.of("iam:PolicyARN", List.copyOf(policies)), "StringEquals", bounded)));
            out.add(conditional(List.of("iam:DetachRolePolicy"), List.of(globalArn("iam", "role/" + role)),
                    "ArnEquals", Map.of("iam:PolicyARN", List.copyOf(policies))));
        });
        Unexercised.because(DELETED_FROM_SPEC + " (layers.iam: Roles empties a role's instance profiles before deleting it;"
                + " ManagedPolicies detaches a dropped policy from the users and groups that hold it; layers.eks: the cluster's"
                + " OIDC provider)", "iam:RemoveRoleFromInstanceProfile", "iam:DetachUserPolicy", "iam:DetachGroupPolicy",
                "iam:DeleteOpenIDConnectProvider");
        Unexercised.because("layers.eks.OidcProviderChanges: a client id removed from the cluster's OIDC provider out of band is"
                + " added back", "iam:AddClientIDToOpenIDConnectProvider");
        out.addAll(List.of(
                statement(List.of("iam:CreateRole"), roleArns(), Map.of("StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE,
                        "iam:PermissionsBoundary", boundaryArn()))),
                statement(List.of("iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"), roleArns(), Map.of("StringEquals", bounded)),
                statement(List.of("iam:AttachRolePolicy"), roleArns(), Map.of("ArnLike", Map.of("iam:PolicyARN", List.copyOf(attachable)),
                        "StringEquals", bounded)),
                // A role the control plane made may lose any managed policy (a role the spec no longer names is
                // emptied before it is deleted); detaching only takes permissions away.
                conditional(List.of("iam:DetachRolePolicy"), roleArns(), "StringEquals", Map.of(MANAGED, Tags.MANAGED_BY_VALUE)),
                // Deleting one of the spec's policies first detaches it from whoever holds it (users and groups too).
                conditional(List.of("iam:DetachUserPolicy", "iam:DetachGroupPolicy"),
                        List.of(globalArn("iam", "user/*"), globalArn("iam", "group/*")), "ArnLike",
                        Map.of("iam:PolicyARN", customerPolicyArns())),
                conditional(List.of("iam:CreatePolicy", "iam:CreateOpenIDConnectProvider"),
                        identityArns(), "StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("iam:TagRole", "iam:UpdateRole",
                        "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:RemoveRoleFromInstanceProfile",
                        "iam:TagPolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion",
                        "iam:DeletePolicy", "iam:TagOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider",
                        "iam:DeleteOpenIDConnectProvider"), identityArns()),
                allow(Unexercised.because("ManagedPolicies makes each new policy version the default (CreatePolicyVersion with"
                        + " SetAsDefault); kept in case IAM authorises that as SetDefaultPolicyVersion, which its reference"
                        + " does not say", "iam:SetDefaultPolicyVersion"), customerPolicyArns()),
                conditional(Unexercised.because("EKS, RDS and Auto Scaling create their service-linked role with the"
                        + " caller's permissions on the first cluster, node group or database of an account; the emulator"
                        + " creates none", "iam:CreateServiceLinkedRole"), List.of("*"), "StringEquals",
                        Map.of("iam:AWSServiceName", List.of("eks.amazonaws.com", "eks-nodegroup.amazonaws.com",
                                "rds.amazonaws.com", "autoscaling.amazonaws.com"))),
                allow(List.of("iam:CreateAccountAlias", "iam:DeleteAccountAlias"), List.of("*"))));
        return out;
    }

    // ----- apply: EKS, RDS, keys, secrets, logs -----

    private List<PolicyStatement> platformStatements() {
        String cluster = spec.eks().clusterName();
        Unexercised.because(DELETED_FROM_SPEC + " (layers.eks: ClusterChanges, NodeGroupChanges, AddonChanges; layers.rds:"
                + " ParameterGroupChanges, DbSubnetGroups, SecretChanges; the layers' log groups; a key the spec drops is"
                + " scheduled for deletion by layers.support.EncryptionKeys)", "eks:DeleteCluster", "eks:DeleteNodegroup",
                "eks:DeleteAddon", "rds:DeleteDBParameterGroup", "rds:DeleteDBSubnetGroup", "secretsmanager:DeleteSecret",
                "logs:DeleteLogGroup", "kms:ScheduleKeyDeletion");
        Unexercised.because("layers.eks.ClusterChanges: a cluster behind the spec's version is upgraded one minor version per"
                + " apply (the emulated catalogue offers the spec's version, so the tests' clusters start on it)",
                "eks:UpdateClusterVersion");
        Unexercised.because("layers.support.EncryptionKeys repairs a control-plane key changed out of band — disabled"
                + " (EnableKey), scheduled for deletion (CancelKeyDeletion), re-described, or its alias pointed at another key",
                "kms:EnableKey", "kms:CancelKeyDeletion", "kms:UpdateKeyDescription", "kms:UpdateAlias");
        Unexercised.because("layers.vpc.FlowLogGroups: a log group whose spec sets no retention has a retention policy set out"
                + " of band removed (every spec sets one today)", "logs:DeleteRetentionPolicy");
        return List.of(
                conditional(List.of("eks:CreateCluster"), List.of(arn("eks", "cluster/qualisys-*")), "StringEquals",
                        Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("eks:UpdateClusterConfig", "eks:UpdateClusterVersion", "eks:DeleteCluster",
                        "eks:CreateNodegroup", "eks:UpdateNodegroupConfig", "eks:UpdateNodegroupVersion",
                        "eks:DeleteNodegroup", "eks:CreateAddon", "eks:DeleteAddon", "eks:TagResource"),
                        List.of(arn("eks", "cluster/" + cluster), arn("eks", "nodegroup/" + cluster + "/*"),
                                arn("eks", "addon/" + cluster + "/*"))),
                passRole(List.of(spec.eks().clusterRole(), spec.eks().nodeRole()), List.of("eks.amazonaws.com")),
                passRole(List.of(spec.rds().monitoringRole()), List.of("monitoring.rds.amazonaws.com")),
                conditional(List.of("rds:CreateDBInstance", "rds:CreateDBParameterGroup", "rds:CreateDBSubnetGroup"),
                        List.of(arn("rds", "db:qualisys-*"), arn("rds", "pg:qualisys-*"), arn("rds", "subgrp:qualisys-*")),
                        "StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("rds:ModifyDBInstance", "rds:DeleteDBInstance",
                        "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:ModifyDBSubnetGroup",
                        "rds:DeleteDBSubnetGroup", "rds:AddTagsToResource"),
                        List.of(arn("rds", "db:qualisys-*"), arn("rds", "pg:qualisys-*"), arn("rds", "subgrp:qualisys-*"),
                                arn("rds", "og:default*"))),
                allow(Unexercised.because("DeleteDBInstance with a final snapshot (layers.rds.DbInstances) is authorised"
                        + " as CreateDBSnapshot on it too; the emulator's delete checks nothing", "rds:CreateDBSnapshot"),
                        List.of(arn("rds", "db:qualisys-*"), arn("rds", "snapshot:qualisys-*"))),
                // CreateKey with tags is also authorised as TagResource, before the key (and its ARN) exists.
                conditional(List.of("kms:CreateKey", "kms:TagResource"), List.of("*"), "StringEquals",
                        Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                conditional(List.of("kms:EnableKeyRotation", "kms:TagResource",
                        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:EnableKey", "kms:UpdateKeyDescription", "kms:CreateAlias", "kms:UpdateAlias",
                        "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"),
                        List.of(arn("kms", "key/*")), "StringEquals", Map.of(MANAGED, Tags.MANAGED_BY_VALUE)),
                conditional(Unexercised.because("EKS and RDS create grants on the control plane's keys with the caller's"
                        + " permissions when a cluster's secrets or a database are encrypted with them", "kms:CreateGrant"),
                        List.of(arn("kms", "key/*")), "StringEquals", Map.of(MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("kms:CreateAlias", "kms:UpdateAlias"), List.of(arn("kms", "alias/qualisys-*"))),
                conditional(List.of("secretsmanager:CreateSecret"), List.of(secretArn("qualisys/*")), "StringEquals",
                        Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("secretsmanager:UpdateSecret", "secretsmanager:PutSecretValue", "secretsmanager:TagResource", "secretsmanager:DeleteSecret", "secretsmanager:RestoreSecret"), List.of(secretArn("qualisys/*"))),
                allow(List.of("secretsmanager:GetRandomPassword"), List.of("*")),
                allow(LOG_GROUP_WRITES, List.of(logGroupArn(spec.eks().logGroup()),
                        logGroupArn("/aws/rds/instance/" + spec.rds().identifier() + "/*"))));
    }

    // ----- apply: account, monitoring -----

    private List<PolicyStatement> accountStatements() {
        String alertTopic = spec.monitoring().alertTopic();
        Unexercised.because(DELETED_FROM_SPEC + " (layers.monitoring: AnomalyDetection's subscription, ManagementTrail and its"
                + " TrailBucket; layers.monitoring.AlertTopic: the topic, and a subscriber the spec no longer names)",
                "ce:DeleteAnomalySubscription", "cloudtrail:DeleteTrail", "s3:DeleteBucket", "sns:DeleteTopic", "sns:Unsubscribe");
        Unexercised.because("layers.monitoring.ManagementTrail: a spec that turns the trail's logging off (every spec keeps it"
                + " on; a StopLogging by anyone else is a security event the response undoes)", "cloudtrail:StopLogging");
        return List.of(
                allow(List.of("budgets:ModifyBudget", "budgets:ViewBudget", "budgets:TagResource"),
                        List.of(globalArn("budgets", "budget/qualisys-*"))),
                conditional(List.of("ce:CreateAnomalyMonitor", "ce:CreateAnomalySubscription", "ce:TagResource"), List.of("*"),
                        "StringEquals", Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of( "ce:DeleteAnomalyMonitor", "ce:UpdateAnomalySubscription",
                        "ce:DeleteAnomalySubscription", "ce:TagResource"),
                        List.of(globalArn("ce", "anomalymonitor/*"), globalArn("ce", "anomalysubscription/*"))),
                allow(List.of("ce:GetCostAndUsage"), List.of("*")),
                allow(List.of("cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging", "cloudtrail:StopLogging",
                        "cloudtrail:PutEventSelectors", "cloudtrail:AddTags", "cloudtrail:DeleteTrail"),
                        List.of(arn("cloudtrail", "trail/qualisys-*"))),
                allow(List.of("s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketTagging",
                        "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketPublicAccessBlock", "s3:DeleteBucket"), List.of(s3Arn(spec.monitoring().cloudTrail().bucket()))),
                allow(LOG_GROUP_WRITES, List.of(logGroupArn("/aws/cloudtrail/qualisys-*"))),
                conditional(List.of("sns:CreateTopic"), List.of(arn("sns", alertTopic)), "StringEquals",
                        Map.of(CREATED_MANAGED, Tags.MANAGED_BY_VALUE)),
                allow(List.of("sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:TagResource",
                        "sns:DeleteTopic"), List.of(arn("sns", alertTopic))),
                passRole(List.of("qualisys-*"), List.of("cloudtrail.amazonaws.com")),
                // The layers never reconfigure the control plane's own state, whatever a wildcard above matches.
                PolicyStatement.Builder.create().sid("NeverTouchControlPlaneState").effect(Effect.DENY)
                        .actions(List.of("s3:PutBucket*", "s3:DeleteBucket*", "s3:PutEncryptionConfiguration",
                                "s3:PutLifecycleConfiguration", "sns:SetTopicAttributes", "sns:DeleteTopic",
                                "sns:Subscribe", "dynamodb:DeleteTable", "dynamodb:UpdateTable"))
                        .resources(List.of(s3Arn(spec.reportBucket()), arn("sns", "qualisys-control-plane-*"),
                                arn("dynamodb", "table/" + spec.state().lockTable())))
                        .build(),
                // Nor make a role that looks like the control plane's: its path, or its name prefix at any path.
                PolicyStatement.Builder.create().sid("NeverTouchControlPlaneIdentity").effect(Effect.DENY)
                        .actions(List.of("iam:*"))
                        .resources(List.of(globalArn("iam", "role" + ROLE_PATH + "*"), globalArn("iam", "policy" + ROLE_PATH + "*"),
                                globalArn("iam", "role/" + ROLE_NAME_PREFIX + "*"), globalArn("iam", "role/*/" + ROLE_NAME_PREFIX + "*")))
                        .build());
    }

    // ----- helpers -----

    private ManagedPolicy policy(String id, String description, List<PolicyStatement> statements) {
        return ManagedPolicy.Builder.create(scope, id).description(description).path(ROLE_PATH)
                .statements(statements).build();
    }

    private List<String> identityArns() {
        List<String> arns = new ArrayList<>(roleArns());
        arns.addAll(customerPolicyArns());
        arns.add(globalArn("iam", "oidc-provider/oidc.eks.*"));
        return arns;
    }

    /** The spec's customer managed policies: under the IAM layer's path, or adopted at the root path. */
    private static List<String> customerPolicyArns() {
        return List.of(globalArn("iam", "policy" + IamDesired.POLICY_PATH + "Qualisys*"), globalArn("iam", "policy/Qualisys*"));
    }

    /** The seed's role names: QualisysDevOpsAdmin, ... and qualisys-eks-node-role, ... (path "/"). */
    private List<String> roleArns() {
        return List.of(globalArn("iam", "role/Qualisys*"), globalArn("iam", "role/qualisys-*"));
    }

    private PolicyStatement passRole(List<String> roleNames, List<String> services) {
        return conditional(List.of("iam:PassRole"), roleNames.stream().map(r -> globalArn("iam", "role/" + r)).toList(),
                "StringEquals", Map.of("iam:PassedToService", services));
    }

    static String boundaryArn() {
        return globalArn("iam", "policy" + PermissionsBoundary.PATH + PermissionsBoundary.NAME);
    }

    static PolicyStatement statement(List<String> actions, List<String> resources, Map<String, Object> conditions) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources)
                .conditions(conditions).build();
    }

    static PolicyStatement allow(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }

    static PolicyStatement conditional(List<String> actions, List<String> resources, String operator, Map<String, Object> condition) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources)
                .conditions(Map.of(operator, condition)).build();
    }

    static String arn(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    static String globalArn(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + "::" + Aws.ACCOUNT_ID + ":" + resource;
    }

    static String secretArn(String namePattern) {
        return arn("secretsmanager", "secret:" + namePattern);
    }

    static String s3Arn(String bucket) {
        return "arn:" + Aws.PARTITION + ":s3:::" + bucket;
    }

    static String logGroupArn(String name) {
        return arn("logs", "log-group:" + name + ":*");
    }

    /** The seed's AWS managed policies all live at the root path (no service-role/ prefix). */
    private static String awsManagedPolicyArn(String name) {
        return "arn:" + Aws.PARTITION + ":iam::aws:policy/" + name;
    }
}
