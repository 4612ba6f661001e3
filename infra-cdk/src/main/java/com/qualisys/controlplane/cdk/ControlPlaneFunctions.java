package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.nio.file.Path;
import com.qualisys.controlplane.handlers.SecretRotationHandler;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One Lambda function per {@link FunctionCatalog} entry, each from its own package, each with its
 * own role, log group and error alarm; callers invoke the {@code live} alias, which points at the
 * published version SnapStart restores from.
 */
final class ControlPlaneFunctions extends Construct {
    static final String ALIAS = FunctionCatalog.LIVE_ALIAS;
    static final RetentionDays LOG_RETENTION = RetentionDays.THREE_MONTHS;
    /** Where the database functions run in phase 2: the private subnets (NAT egress for AWS APIs). */
    record VpcPlacement(String environment, IVpc vpc, Optional<ISecurityGroup> securityGroup) {}

    private final Map<FunctionCatalog, Function> functions = new EnumMap<>(FunctionCatalog.class);
    private final Map<FunctionCatalog, Alias> aliases = new EnumMap<>(FunctionCatalog.class);
    private final Map<FunctionCatalog, Role> roles = new EnumMap<>(FunctionCatalog.class);
    private final Map<FunctionCatalog, Queue> deadLetterQueues = new EnumMap<>(FunctionCatalog.class);

    /**
     * The functions that run the layers, the Kubernetes layer included, which installs the cluster
     * components with helm: they get the layer that carries it.
     */
    static final Set<FunctionCatalog> RUN_HELM = EnumSet.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER,
            FunctionCatalog.LAYER_READINESS, FunctionCatalog.SECURITY_EVENT);

    /**
     * The hub's functions whose work is in an environment's account: their roles may assume the environments'
     * execution roles, and are the only principals a spoke's execution role trusts.
     */
    static final Set<FunctionCatalog> REACH_ENVIRONMENTS = EnumSet.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER,
            FunctionCatalog.LAYER_READINESS, FunctionCatalog.SECURITY_EVENT, FunctionCatalog.BUDGET_ALERT, FunctionCatalog.REPORT);

    /** What each function's role gets beside its logs (and, VPC-attached, its network interfaces). */
    @FunctionalInterface
    interface Grants {
        void grant(FunctionCatalog function, Role role);
    }

    /** The hub's functions: every catalog entry but those deployed in the environments' accounts. */
    static ControlPlaneFunctions inHub(Construct scope, String id, Path code, Path helmLayerCode, EnvironmentSpec spec,
                                       List<EnvironmentSpec> environments, StateStore state, Alerting alerting) {
        FunctionPolicies policies = new FunctionPolicies(scope, spec);
        Set<FunctionCatalog> hub = EnumSet.noneOf(FunctionCatalog.class);
        for (FunctionCatalog f : FunctionCatalog.values()) if (!f.inEnvironmentAccount()) hub.add(f);
        return new ControlPlaneFunctions(scope, id, code, helmLayerCode, hub, environment(state, alerting), alerting, (f, role) -> {
            if (REACH_ENVIRONMENTS.contains(f)) role.addToPolicy(FunctionPolicies.assumeExecutionRoles(environments));
            policies.grantOwn(f, role, state, alerting);
        }, Optional.empty());
    }

    /**
     * Phase 2 of a spoke: the database functions in the environment's own account, attached to its VPC, with
     * their own credentials there (they reach the environment through no execution role, and no hub state).
     */
    static ControlPlaneFunctions inEnvironment(Construct scope, String id, Path code, Path helmLayerCode, EnvironmentSpec spec,
                                               Alerting alerting, VpcPlacement placement) {
        FunctionPolicies policies = new FunctionPolicies(scope, spec);
        Set<FunctionCatalog> database = EnumSet.noneOf(FunctionCatalog.class);
        for (FunctionCatalog f : FunctionCatalog.values()) if (f.inEnvironmentAccount()) database.add(f);
        return new ControlPlaneFunctions(scope, id, code, helmLayerCode, database, Map.of(), alerting,
                policies::grantInEnvironment, Optional.of(placement));
    }

    private ControlPlaneFunctions(Construct scope, String id, Path code, Path helmLayerCode, Set<FunctionCatalog> which,
                                  Map<String, String> environment, Alerting alerting, Grants grants, Optional<VpcPlacement> placement) {
        super(scope, id);
        LayerVersion helmLayer = which.stream().noneMatch(RUN_HELM::contains) ? null : LayerVersion.Builder.create(this, "HelmLayer")
                .code(Code.fromAsset(helmLayerCode.toString()))
                .description("helm (/opt/helm/helm) and kubectl, from the CDK kubectl layer")
                .compatibleArchitectures(List.of(Architecture.X86_64))
                .build();
        for (FunctionCatalog f : which) {
            FunctionSizing sizing = FunctionSizing.of(f);
            Role role = Role.Builder.create(this, f.functionName() + "Role")
                    // The security response's loop guard recognises the control plane's own calls by exactly this
                    // role name under responses.controlPlaneRolePath (ControlPlaneRoles).
                    .roleName(roleName(f))
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .path(FunctionPolicies.ROLE_PATH)
                    .description("Runs " + f.deployedName() + ": " + f.description())
                    .build();
            LogGroup logGroup = LogGroup.Builder.create(this, f.functionName() + "Logs")
                    .logGroupName("/aws/lambda/" + f.deployedName())
                    .retention(LOG_RETENTION)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            logGroup.grantWrite(role);
            Unexercised.because("Lambda's runtime writes the function's log events with its role; the code makes no such call",
                    "logs:CreateLogStream", "logs:PutLogEvents");
            Checkov.skip(logGroup, "CKV_AWS_158", Checkov.LOG_GROUP_KMS_REASON);
            grants.grant(f, role);

            Map<String, String> env = new LinkedHashMap<>(environment);
            env.put("POWERTOOLS_SERVICE_NAME", f.deployedName());
            Function.Builder fn = Function.Builder.create(this, f.functionName())
                    .functionName(f.deployedName())
                    .description(f.description())
                    .runtime(Runtime.JAVA_21)
                    // Graviton is about 20 % cheaper per GB-second, but the helm binary of the kubectl layer
                    // is x86-64: the functions that run it stay on x86-64.
                    .architecture(RUN_HELM.contains(f) ? Architecture.X86_64 : Architecture.ARM_64)
                    .layers(RUN_HELM.contains(f) ? List.of(helmLayer) : List.of())
                    .handler(f.handler())
                    // Each function its own package: only the SDK modules and libraries it loads.
                    .code(Code.fromAsset(LambdaPackage.codeOf(code, f).toString()))
                    .memorySize(sizing.memoryMb())
                    .timeout(sizing.timeout())
                    // A Java cold start is seconds (class loading, SDK clients); SnapStart restores an
                    // initialised snapshot of the published version instead, at no charge for Java.
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    .role(role)
                    .logGroup(logGroup)
                    .loggingFormat(LoggingFormat.JSON)
                    .applicationLogLevelV2(ApplicationLogLevel.INFO)
                    .environment(env);
            if (sizing.asyncInvoked()) {
                Queue dlq = Queue.Builder.create(this, f.functionName() + "DeadLetters")
                        .encryption(QueueEncryption.SQS_MANAGED)
                        .enforceSsl(true)
                        .retentionPeriod(Duration.days(14))
                        .build();
                Nag.suppress(dlq, "AwsSolutions-SQS3", "This queue is the dead-letter queue of "
                        + f.deployedName() + "'s asynchronous invocations; a DLQ has no DLQ of its own.");
                Checkov.skip(dlq, "CKV_AWS_27", Checkov.SQS_MANAGED_REASON);
                fn.deadLetterQueue(dlq).retryAttempts(2).maxEventAge(Duration.hours(6));
                Unexercised.because("Lambda sends a failed asynchronous invocation to the dead-letter queue with the"
                        + " function's role; the code makes no such call", "sqs:SendMessage");
                deadLetterQueues.put(f, dlq);
                alerting.alarmOnDeadLetters(this, f.functionName() + "DeadLettersAlarm", dlq,
                        "invocations of " + f.deployedName());
            }
            if (f.vpcAttached() && placement.isPresent()) {
                // The database code reads which environment's database it serves (the rotation event cannot say).
                env.put(SecretRotationHandler.ENVIRONMENT_VARIABLE, placement.get().environment());
                fn.environment(env);
                fn.vpc(placement.get().vpc())
                        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
                        .securityGroups(placement.get().securityGroup().map(List::of).orElse(List.of()));
                // Lambda creates and removes the ENIs with the function's own role; EC2's network-interface
                // calls take no resource ARNs before the interface exists.
                role.addToPolicy(PolicyStatement.Builder.create()
                        .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                                "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                                "ec2:UnassignPrivateIpAddresses"))
                        .resources(List.of("*")).build());
                Unexercised.because("Lambda creates and removes the function's network interfaces with its role",
                        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses");
                Checkov.skip(role.getNode().findChild("DefaultPolicy"), "CKV_AWS_111", "Lambda creates and deletes the"
                        + " function's network interfaces with its role; EC2's network-interface calls take no resource ARN"
                        + " before the interface exists.");
            }
            Function function = fn.build();
            Checkov.skip(function, "CKV_AWS_115", "No reserved concurrency: the functions run when a state machine, an"
                    + " event rule or Secrets Manager calls them, a handful at a time (one provision per environment holds the"
                    + " lease); reserving would take capacity from the account's unreserved pool for nothing.");
            String environmentHoldsNoSecret = "The environment holds only names and ARNs (table, bucket, topics, state"
                    + " machines), no secret (the database password is read from Secrets Manager at run time); Lambda"
                    + " encrypts it at rest with its AWS managed key.";
            Checkov.skip(function, "CKV_AWS_173", environmentHoldsNoSecret);
            // checkov's secret scan flags the CloudFormation logical ids' hash suffixes (AlertTopicC513ED25) as entropy.
            Checkov.skip(function, "CKV_AWS_45", environmentHoldsNoSecret);
            if (!f.vpcAttached()) {
                Checkov.skip(function, "CKV_AWS_117", "Calls only AWS APIs, over TLS, and no private resource; the"
                        + " database functions, which reach PostgreSQL, are the VPC-attached ones.");
            }
            if (!sizing.asyncInvoked()) {
                Checkov.skip(function, "CKV_AWS_116", "Invoked synchronously by the state machines, whose Retry and Catch"
                        + " handle every failure; a dead-letter queue only receives asynchronous invocations.");
            }
            Alias alias = Alias.Builder.create(this, f.functionName() + "Live")
                    .aliasName(ALIAS)
                    .version(function.getCurrentVersion())
                    .build();
            alerting.alarmAtLeast(this, f.functionName() + "ErrorsAlarm",
                    function.metricErrors(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()),
                    1, f.deployedName() + " failed at least once in 5 minutes");
            Nag.suppress(role, "AwsSolutions-IAM5", "Wildcards only where a name is not known before run time"
                    + " (objects of the report bucket, the id suffix of the Playwright node group, security groups that"
                    + " carry the managed-by tag) and '*' for calls"
                    + " without resource-level permissions (ENIs of VPC functions, GetRandomPassword, ce:GetCostAndUsage,"
                    + " KMS decrypt restricted by kms:ViaService); GenerateDataKey* is the SNS/KMS envelope pair on the"
                    + " topic key",
                    List.of("regex:/^Resource::<StateReportBucket[0-9A-F]+\\.Arn>\\/(overrides\\/)?\\*$/",
                            "regex:/^Resource::arn:<AWS::Partition>:ec2:.*:security-group\\/\\*$/",
                            "regex:/^Resource::arn:<AWS::Partition>:eks:.*:nodegroup\\/.*\\/\\*$/",
                            "Resource::*", "Action::kms:GenerateDataKey*"));
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "Callers invoke the live alias of the published currentVersion, which SnapStart restores");
            Nag.suppress(function, "AwsSolutions-L1", "The code targets Java 21 (the build's release level and"
                    + " the runtime every handler is tested on); java25 is newer but not what the code is built for.");
            functions.put(f, function);
            aliases.put(f, alias);
            roles.put(f, role);
        }
    }

    /** qualisys-control-plane-plan-layer, ...: what the loop guard (events.security.ControlPlaneRoles) matches. */
    static String roleName(FunctionCatalog f) {
        return f.roleName();
    }

    private static Map<String, String> environment(StateStore state, Alerting alerting) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUALISYS_LOCK_TABLE", state.lockTable.getTableName());
        env.put("QUALISYS_REPORT_BUCKET", state.reportBucket.getBucketName());
        env.put("QUALISYS_ALERT_TOPIC_ARN", alerting.alertTopic.getTopicArn());
        env.put("QUALISYS_DRIFT_TOPIC_ARN", alerting.driftTopic.getTopicArn());
        env.put("QUALISYS_EVENT_BUS", ControlPlaneStack.EVENT_BUS);
        env.put("QUALISYS_BUDGET_RESPONSE_STATE_MACHINE_ARN",
                FunctionPolicies.stateMachineArn(ControlPlaneSettings.BUDGET_RESPONSE));
        env.put("QUALISYS_DRIFT_CHECK_STATE_MACHINE_ARN", FunctionPolicies.stateMachineArn(ControlPlaneSettings.DRIFT_CHECK));
        return env;
    }

    Function function(FunctionCatalog f) {
        return functions.get(f);
    }

    /** Which functions this construct deploys (the hub's, or a spoke's database functions). */
    Set<FunctionCatalog> deployed() {
        return java.util.Collections.unmodifiableSet(functions.keySet());
    }

    /** What callers invoke: state machines, SNS, Secrets Manager. */
    Alias alias(FunctionCatalog f) {
        return aliases.get(f);
    }

    Role role(FunctionCatalog f) {
        return roles.get(f);
    }

    Optional<Queue> deadLetterQueue(FunctionCatalog f) {
        return Optional.ofNullable(deadLetterQueues.get(f));
    }
}
