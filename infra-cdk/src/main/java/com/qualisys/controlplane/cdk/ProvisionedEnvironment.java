package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.qualisys.controlplane.handlers.SecretRotationHandler;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcLookupOptions;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Phase 2 of a spoke stack ({@code cdk deploy QualisysEnvironmentAccess-E -c provisionedEnvironment=E}, in
 * E's account, once the control plane has provisioned E): the database functions DbInit and SecretRotation
 * beside the database, with their roles, alarms, the rotation schedules and the rotation health check;
 * and the permission for the hub's state machines that invoke them. The VPC, RDS-SG and the database
 * secrets are the control plane's own resources (created by its layers, found by their tags and names),
 * never CloudFormation's; the stack only references them, in E's own account:
 * <ul>
 * <li>the VPC by {@code Vpc.fromLookup} on its identity tags (cached in cdk.context.json by the CLI);
 *     DbInit and SecretRotation run in its private subnets with their own security group
 *     {@value #FUNCTIONS_SECURITY_GROUP}, which RDS-SG admits on 5432 (see {@link #declaredInSpec});</li>
 * <li>the database secrets by name: a Secrets Manager rotation schedule on each, run by SecretRotation.</li>
 * </ul>
 */
final class ProvisionedEnvironment extends Construct {
    static final String VPC_LOGICAL_ID = "vpc/vpc/main";
    static final String FUNCTIONS_SECURITY_GROUP = "qualisys-db-functions-sg";
    static final int POSTGRES = 5432;
    static final String ROTATION_HEALTH_SCHEDULE = "rate(1 day)";
    /** What Vpc.fromLookup answers while its context value is missing (the CLI then looks up and re-runs). */
    private static final String LOOKUP_PLACEHOLDER_VPC_ID = "vpc-12345";

    private final EnvironmentSpec spec;
    final IVpc vpc;
    /** Absent only in the lookup round (the placeholder VPC), whose template the CLI throws away. */
    final Optional<ISecurityGroup> functionsSecurityGroup;
    final Alerting alerting;
    final ControlPlaneFunctions functions;

    /**
     * @param hubInvokers per database function, the ARNs of the hub roles that invoke it (the state machines
     *                    whose definitions name it): the only principals its live alias admits
     */
    ProvisionedEnvironment(Construct scope, String id, EnvironmentSpec spec, Path code, Path helmLayer,
                           Map<FunctionCatalog, List<String>> hubInvokers) {
        super(scope, id);
        this.spec = spec;
        boolean declared = declaredInSpec(spec).isPresent();
        vpc = Vpc.fromLookup(this, "Vpc", VpcLookupOptions.builder()
                .tags(Map.of(Tags.LOGICAL_ID, VPC_LOGICAL_ID, Tags.ENVIRONMENT, spec.environment()))
                .build());
        // The security group lookups need the real VPC id; in the lookup round they would ask for the placeholder's.
        if (LOOKUP_PLACEHOLDER_VPC_ID.equals(vpc.getVpcId())) {
            functionsSecurityGroup = Optional.empty();
        } else if (declared) {
            functionsSecurityGroup = Optional.of(SecurityGroup.fromLookupByName(this, "DatabaseFunctionsSecurityGroup",
                    FUNCTIONS_SECURITY_GROUP, vpc));
        } else {
            functionsSecurityGroup = Optional.of(createdHere(spec));
        }
        alerting = Alerting.forDatabaseFunctions(this, "Alerting", spec.environment(), spec.monitoring().alertEmail());
        alerting.publishersOnly(FunctionPolicies.ROLE_PATH);
        functions = ControlPlaneFunctions.inEnvironment(this, "Functions", code, helmLayer, spec, alerting, placement());
        hubInvokers.forEach((f, roles) -> {
            for (String role : roles) {
                CfnPermission.Builder.create(this, "InvokedBy-" + f.functionName() + "-" + role.replaceAll(".*/", ""))
                        .action("lambda:InvokeFunction")
                        .functionName(functions.alias(f).getFunctionArn())
                        .principal(role)
                        .build();
            }
        });
        attachRotation();
    }

    /**
     * The preferred set-up: the spec declares the functions' group (and RDS-SG's ingress from it), so
     * the VPC layer owns both and its drift check agrees with them; the stack only looks it up.
     */
    static Optional<String> declaredInSpec(EnvironmentSpec spec) {
        Map<String, VpcSpec.SecurityGroup> groups = spec.vpc().securityGroups();
        Optional<String> key = groups.entrySet().stream().filter(e -> FUNCTIONS_SECURITY_GROUP.equals(e.getValue().name()))
                .map(Map.Entry::getKey).findFirst();
        key.ifPresent(k -> {
            VpcSpec.SecurityGroup rds = rdsGroup(spec);
            boolean admitted = rds.ingress() != null && rds.ingress().stream().anyMatch(r ->
                    "tcp".equals(r.protocol()) && String.valueOf(POSTGRES).equals(r.ports()) && ("sg:" + k).equals(r.peer()));
            if (!admitted) {
                throw new IllegalArgumentException("environments/" + spec.environment() + ".yaml: vpc.securityGroups."
                        + k + " is the database functions' group (" + FUNCTIONS_SECURITY_GROUP + "), but vpc.securityGroups.rds"
                        + " has no ingress { protocol: tcp, ports: \"5432\", peer: \"sg:" + k + "\" }");
            }
        });
        return key;
    }

    /**
     * The fallback while the spec does not declare it: the stack creates the group and RDS-SG's ingress
     * rule. The VPC layer does not know that rule: its drift check reports it and an apply revokes it.
     */
    private SecurityGroup createdHere(EnvironmentSpec spec) {
        SecurityGroup group = SecurityGroup.Builder.create(this, "DatabaseFunctionsSecurityGroup")
                .vpc(vpc)
                .securityGroupName(FUNCTIONS_SECURITY_GROUP)
                .description("QUALISYS DbInit and SecretRotation functions - to PostgreSQL and AWS APIs")
                .allowAllOutbound(false)
                .build();
        group.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "AWS APIs (Secrets Manager, RDS) through the NAT gateways");
        ISecurityGroup rdsSecurityGroup = SecurityGroup.fromLookupByName(this, "RdsSecurityGroup", rdsGroup(spec).name(), vpc);
        group.getConnections().allowTo(rdsSecurityGroup, Port.tcp(POSTGRES), "QUALISYS DbInit and SecretRotation to PostgreSQL");
        return group;
    }

    private static VpcSpec.SecurityGroup rdsGroup(EnvironmentSpec spec) {
        VpcSpec.SecurityGroup rds = spec.vpc().securityGroups().get("rds");
        if (rds == null) {
            throw new IllegalArgumentException("environments/" + spec.environment()
                    + ".yaml: vpc.securityGroups has no rds group for the database functions to reach");
        }
        return rds;
    }

    ControlPlaneFunctions.VpcPlacement placement() {
        return new ControlPlaneFunctions.VpcPlacement(spec.environment(), vpc, functionsSecurityGroup);
    }

    /** The rotation schedules on the environment's two secrets, and the rotation health check. */
    private void attachRotation() {
        Alias rotation = functions.alias(FunctionCatalog.SECRET_ROTATION);
        List<String> secrets = List.of(spec.rds().secrets().master(), spec.rds().secrets().connection());
        for (String secret : secrets) {
            String id = secret.replaceAll("[^A-Za-z0-9]", "-");
            CfnPermission invoke = CfnPermission.Builder.create(this, "RotationInvoke-" + id)
                    .action("lambda:InvokeFunction")
                    .functionName(rotation.getFunctionArn())
                    .principal("secretsmanager.amazonaws.com")
                    .sourceAccount(software.amazon.awscdk.Aws.ACCOUNT_ID)
                    .sourceArn(FunctionPolicies.secretArn(secret + "-??????"))
                    .build();
            CfnRotationSchedule schedule = CfnRotationSchedule.Builder.create(this, "Rotation-" + id)
                    .secretId(secret)
                    .rotationLambdaArn(rotation.getFunctionArn())
                    .rotationRules(CfnRotationSchedule.RotationRulesProperty.builder()
                            .scheduleExpression("rate(" + spec.rds().secrets().rotationDays() + " days)").build())
                    // The first rotation waits for the schedule: deploying must not change a live password.
                    .rotateImmediatelyOnUpdate(false)
                    .build();
            schedule.getNode().addDependency(invoke);
        }
        // docs/database.md: a daily health check of both rotations; an unhealthy one fails the invocation, so the
        // function's Errors alarm fires.
        Queue healthDeadLetters = Queue.Builder.create(this, "RotationHealthDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Nag.suppress(healthDeadLetters, "AwsSolutions-SQS3", "This queue is the dead-letter queue of the rotation"
                + " health schedule's deliveries; a DLQ has no DLQ of its own.");
        Checkov.skip(healthDeadLetters, "CKV_AWS_27", Checkov.SQS_MANAGED_REASON);
        alerting.alarmOnDeadLetters(this, "RotationHealthDeadLettersAlarm", healthDeadLetters, "rotation health checks");
        Schedule.Builder.create(this, "RotationHealth")
                .scheduleName("qualisys-rotation-health-" + spec.environment())
                .description("Daily health check of the database secrets' rotation (docs/database.md)")
                .schedule(ScheduleExpression.expression(ROTATION_HEALTH_SCHEDULE))
                .target(new LambdaInvoke(rotation, ScheduleTargetBaseProps.builder()
                        .input(ScheduleTargetInput.fromObject(Map.of("Step", SecretRotationHandler.HEALTH_STEP)))
                        .deadLetterQueue(healthDeadLetters)
                        .retryAttempts(2)
                        .build()))
                .build();

    }
}
