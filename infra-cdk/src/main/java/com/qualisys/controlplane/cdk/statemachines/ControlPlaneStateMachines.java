package com.qualisys.controlplane.cdk.statemachines;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * One Standard state machine per definition file, deployed as the file says: the text goes in
 * unchanged, and CloudFormation's DefinitionSubstitutions fill in the placeholders. Each gets its
 * own role that may invoke exactly the functions, topics, bus and table its definition names.
 */
public final class ControlPlaneStateMachines extends Construct {
    private final Map<String, StateMachine> byName = new LinkedHashMap<>();

    /**
     * @param onFailuresMetric receives each state machine's failed-executions metric (to alarm on it)
     */
    public ControlPlaneStateMachines(Construct scope, String id, List<AslDefinition> definitions,
                                     StateMachineTargets targets, BiConsumer<StateMachine, IMetric> onFailuresMetric) {
        super(scope, id);
        Map<String, String> substitutions = substitutions(targets);
        for (AslDefinition d : definitions) {
            LogGroup logs = LogGroup.Builder.create(this, d.name() + "-logs")
                    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small for many machines.
                    .logGroupName("/aws/vendedlogs/states/" + d.stateMachineName())
                    .retention(RetentionDays.THREE_MONTHS)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            com.qualisys.controlplane.cdk.Checkov.skip(logs, "CKV_AWS_158",
                    com.qualisys.controlplane.cdk.Checkov.LOG_GROUP_KMS_REASON);
            Role role = Role.Builder.create(this, d.name() + "-role")
                    .roleName(roleName(d.name()))
                    .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                    .path("/control-plane/")
                    .description("Runs the " + d.stateMachineName() + " state machine (" + d.source() + ")")
                    .build();
            grant(role, d, targets);
            StateMachine sm = StateMachine.Builder.create(this, d.name())
                    .stateMachineName(d.stateMachineName())
                    .stateMachineType(StateMachineType.STANDARD)
                    .definitionBody(DefinitionBody.fromString(d.text()))
                    .definitionSubstitutions(substitutions)
                    .role(role)
                    // Execution data stays out of the logs: inputs and outputs may carry plan details that
                    // belong in the report bucket, not in a log group with a wider audience.
                    .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
                    .tracingEnabled(true)
                    .build();
            onFailuresMetric.accept(sm, sm.metricFailed(MetricOptions.builder()
                    .period(Duration.minutes(5)).statistic("Sum").build()));
            NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                    .reason("Step Functions' log delivery and X-Ray calls have no resource-level permissions (CDK's"
                            + " logging and tracing grants); GenerateDataKey* is the SNS/KMS envelope pair on the topic key")
                    .appliesTo(List.of("Resource::*", "Action::kms:GenerateDataKey*")).build()), true);
            byName.put(d.name(), sm);
        }
    }

    /** The role a definition's state machine runs as (under /control-plane/): spokes name it in their invoke permissions. */
    public static String roleName(String definitionName) {
        return "qualisys-control-plane-sm-" + definitionName;
    }

    /** Every placeholder a definition may use, with its value in this stack. */
    static Map<String, String> substitutions(StateMachineTargets targets) {
        Map<String, String> s = new TreeMap<>();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            if (!f.inEnvironmentAccount()) s.put(f.arnPlaceholder(), targets.function(f).getFunctionArn());
        }
        for (String topic : AslDefinition.TOPIC_PLACEHOLDERS) s.put(topic, targets.topic(topic).getTopicArn());
        s.put("ReportBucket", targets.reportBucketName());
        s.put("LockTable", targets.lockTable().getTableName());
        s.put("EventBusName", targets.eventBusName());
        if (!s.keySet().equals(AslDefinition.knownPlaceholders())) {
            throw new IllegalStateException("substitutions " + s.keySet() + " differ from the known placeholders "
                    + AslDefinition.knownPlaceholders());
        }
        return s;
    }

    private static void grant(Role role, AslDefinition d, StateMachineTargets targets) {
        for (FunctionCatalog f : d.invokedFunctions()) targets.function(f).grantInvoke(role);
        // A function of the environments' accounts: its live alias in each managed environment's account, by name
        // (the spoke's alias policy names this role in turn); never a wildcard account.
        for (FunctionCatalog f : d.environmentFunctions()) {
            List<String> aliases = targets.environmentFunctionArns(f);
            for (String arn : aliases) {
                if (!arn.matches("arn:aws:lambda:[a-z0-9-]+:\\d{12}:function:" + f.deployedName() + ":" + FunctionCatalog.LIVE_ALIAS)) {
                    throw new IllegalArgumentException(d.source() + " invokes " + f.deployedName() + " in the environments'"
                            + " accounts, but " + arn + " is not its live alias in one 12-digit account");
                }
            }
            role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("lambda:InvokeFunction"))
                    .resources(aliases).build());
        }
        for (String topic : d.publishedTopics()) targets.topic(topic).grantPublish(role);
        if (d.putsEvents()) {
            role.addToPolicy(PolicyStatement.Builder.create().actions(List.of("events:PutEvents"))
                    .resources(List.of(targets.eventBusArn())).build());
        }
        if (!d.lockTableActions().isEmpty()) {
            targets.lockTable().grant(role, d.lockTableActions().toArray(String[]::new));
        }
    }

    public Map<String, StateMachine> byName() {
        return byName;
    }
}
