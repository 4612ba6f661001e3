package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.BudgetAlertHandler;
import java.util.Map;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SfnStateMachineProps;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import com.qualisys.controlplane.cdk.security.SecurityEventRules;
import com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines;
import com.qualisys.controlplane.cdk.statemachines.StateMachineTargets;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.List;
import java.util.Optional;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The hub: the QUALISYS control plane in one stack: its state (lock table, report bucket), topics,
 * the functions of the FunctionCatalog but the database ones (each environment's spoke stack deploys
 * those, {@link ProvisionedEnvironment}), the state machines of statemachines/, the drift schedules,
 * the security event rules.
 */
public final class ControlPlaneStack extends Stack {
    /** The hub's own bus: the control plane's events, and the security events the spokes forward. */
    public static final String EVENT_BUS = "qualisys-control-plane";

    static final String DRIFT_CHECK_ALL = "drift-check-all";
    static final String DRIFT_CHECK_ALL_SCHEDULE = "cron(0 6 * * ? *)";

    private final ControlPlaneFunctions functions;
    private final ControlPlaneStateMachines stateMachines;

    public ControlPlaneStack(Construct scope, String id, StackProps props, ControlPlaneSettings settings) {
        super(scope, id, props);
        // Not qualisys:managed-by: the layers own what carries that tag, and would treat these as theirs.
        Tags.of(this).add("qualisys:component", "control-plane");
        Tags.of(this).add("qualisys:deployed-by", "cdk");

        CfnParameter alertEmail = CfnParameter.Builder.create(this, "AlertEmail")
                .type("String")
                .description("Who receives control plane alerts and drift reports (confirm the SNS e-mail)")
                .defaultValue(settings.alertEmail())
                .allowedPattern("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
                .constraintDescription("must be an e-mail address")
                .build();

        StateStore state = new StateStore(this, "State", settings.controlPlaneSpec());
        RoleBoundary.create(this, settings.controlPlaneSpec());
        Alerting alerting = new Alerting(this, "Alerting", alertEmail.getValueAsString());

        // The database functions are not here: each environment's spoke deploys its own (phase 2, ProvisionedEnvironment).
        functions = ControlPlaneFunctions.inHub(this, "Functions", settings.functionsCode(), settings.helmLayer(),
                settings.controlPlaneSpec(), settings.environments(), state, alerting);

        // Admits the spoke accounts only: each forwards its own security events (EnvironmentAccessStack).
        EventBus bus = EventBus.Builder.create(this, "EventBus").eventBusName(EVENT_BUS)
                .description("QUALISYS control plane: its own events and the security events of the environment accounts").build();
        List<String> spokes = settings.environments().stream().map(e -> e.aws().accountId()).distinct().sorted().toList();
        for (String spoke : spokes) {
            bus.addToResourcePolicy(PolicyStatement.Builder.create().sid("spoke-" + spoke)
                    .principals(List.of(new AccountPrincipal(spoke))).actions(List.of("events:PutEvents"))
                    .resources(List.of(bus.getEventBusArn())).build());
        }
        // Budgets and Cost Anomaly Detection alert in each environment's account, on its alert topic, to which the
        // monitoring layer subscribes BudgetAlert: each spoke's topic, and no other, may invoke the function.
        for (EnvironmentSpec env : settings.environments()) {
            CfnPermission.Builder.create(this, "AlertsFrom-" + env.environment())
                    .action("lambda:InvokeFunction")
                    .functionName(functions.alias(FunctionCatalog.BUDGET_ALERT).getFunctionArn())
                    .principal("sns.amazonaws.com")
                    .sourceArn(spokeAlertTopicArn(env))
                    .build();
        }
        state.restrictOverridesTo(List.of(functions.role(FunctionCatalog.BUDGET_ALERT)));

        stateMachines = new ControlPlaneStateMachines(this, "StateMachines", ApprovedProvision.definitions(settings),
                targets(state, alerting, settings), (sm, failed) -> alerting.alarmAtLeast(sm, "FailedExecutionsAlarm", failed, 1,
                        sm.getNode().getId() + " state machine: an execution failed in the last 5 minutes"));
        alerting.publishersOnly(FunctionPolicies.ROLE_PATH);
        ApprovedProvision.grant(this, stateMachines.byName(), settings.controlPlaneSpec());
        Operator.create(this, state, stateMachines.byName(), settings.environments());
        new ControlPlaneDashboard(this, "Observability", settings.environments(), alerting);

        Queue deliveryDeadLetters = Queue.Builder.create(this, "DeliveryDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Nag.suppress(deliveryDeadLetters, "AwsSolutions-SQS3", "This queue is the dead-letter queue of the"
                + " security event rules and the drift schedules; a DLQ has no DLQ of its own.");
        Checkov.skip(deliveryDeadLetters, "CKV_AWS_27", Checkov.SQS_MANAGED_REASON);
        alerting.alarmOnDeadLetters(this, "DeliveryDeadLettersAlarm", deliveryDeadLetters,
                "security events and scheduled drift checks");

        new DriftSchedules(this, "DriftSchedules", settings.environments(),
                stateMachine(ControlPlaneSettings.DRIFT_CHECK), deliveryDeadLetters);
        new RestoreExpiredSchedules(this, "RestoreExpiredSchedules", settings.environments(),
                stateMachine(ControlPlaneSettings.BUDGET_RESPONSE), deliveryDeadLetters);
        new SecurityEventRules(this, "SecurityEventRules", settings.environments(), bus,
                stateMachine(ControlPlaneSettings.SECURITY_RESPONSE), deliveryDeadLetters);
        // The budget and anomaly responses ask for a drift check with this event (BudgetAlertHandler).
        Rule.Builder.create(this, "DriftCheckRequested").eventBus(bus)
                .description("Drift Check Requested (budget and anomaly responses) starts qualisys-drift-check for its environment")
                .eventPattern(EventPattern.builder().source(List.of(BudgetAlertHandler.EVENT_SOURCE))
                        .detailType(List.of(BudgetAlertHandler.DRIFT_CHECK_REQUESTED)).build())
                .targets(List.of(new SfnStateMachine(stateMachine(ControlPlaneSettings.DRIFT_CHECK), SfnStateMachineProps.builder()
                        .input(RuleTargetInput.fromObject(Map.of("environment", EventField.fromPath("$.detail.environment"))))
                        .deadLetterQueue(deliveryDeadLetters).retryAttempts(8).maxEventAge(Duration.hours(2)).build())))
                .build();
        stateMachines.byName().entrySet().stream().filter(e -> e.getKey().equals(DRIFT_CHECK_ALL)).findFirst().ifPresent(e ->
                Schedule.Builder.create(this, "DriftCheckAllSchedule").scheduleName("qualisys-drift-check-all")
                        .description("Drift check of every environment, one aggregate report")
                        .schedule(ScheduleExpression.expression(DRIFT_CHECK_ALL_SCHEDULE))
                        .target(new StepFunctionsStartExecution(e.getValue(), ScheduleTargetBaseProps.builder()
                                .input(ScheduleTargetInput.fromObject(Map.of())).deadLetterQueue(deliveryDeadLetters)
                                .retryAttempts(3).maxEventAge(Duration.hours(1)).build()))
                        .build());

        stateMachines.byName().forEach((name, sm) -> CfnOutput.Builder.create(this, "StateMachine-" + name)
                .description("ARN of " + sm.getNode().getId() + " (aws stepfunctions start-execution --state-machine-arn ...)")
                .value(sm.getStateMachineArn()).build());
        for (FunctionCatalog f : List.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER,
                FunctionCatalog.LAYER_READINESS, FunctionCatalog.SECURITY_EVENT)) {
            CfnOutput.Builder.create(this, f.functionName() + "RoleArn")
                    .description("Role of " + f.deployedName() + " (map it in aws-auth for the Kubernetes layer)")
                    .value(functions.role(f).getRoleArn()).build();
        }
        CfnOutput.Builder.create(this, "AlertTopicArn").value(alerting.alertTopic.getTopicArn()).build();
        CfnOutput.Builder.create(this, "DriftTopicArn").value(alerting.driftTopic.getTopicArn()).build();
        CfnOutput.Builder.create(this, "ReportBucketName").value(state.reportBucket.getBucketName()).build();
        CfnOutput.Builder.create(this, "LockTableName").value(state.lockTable.getTableName()).build();
    }

    /** The monitoring layer's alert topic in the environment's own account. */
    static String spokeAlertTopicArn(EnvironmentSpec env) {
        return "arn:" + Aws.PARTITION + ":sns:" + env.aws().region() + ":" + env.aws().accountId() + ":" + env.monitoring().alertTopic();
    }

    private StateMachineTargets targets(StateStore state, Alerting alerting, ControlPlaneSettings settings) {
        return new StateMachineTargets() {
            public IFunction function(FunctionCatalog f) {
                return functions.alias(f);
            }

            public List<String> environmentFunctionArns(FunctionCatalog f) {
                return settings.environments().stream().map(e -> f.liveAliasArn(e.aws().region(), e.aws().accountId()))
                        .distinct().sorted().toList();
            }

            public ITopic topic(String placeholder) {
                return switch (placeholder) {
                    case "AlertTopicArn" -> alerting.alertTopic;
                    case "DriftTopicArn" -> alerting.driftTopic;
                    default -> throw new IllegalArgumentException("no topic for ${" + placeholder + "}");
                };
            }

            public ITable lockTable() {
                return state.lockTable;
            }

            public String reportBucketName() {
                return state.reportBucket.getBucketName();
            }

            public String eventBusName() {
                return EVENT_BUS;
            }

            public String eventBusArn() {
                return FunctionPolicies.eventBusArn();
            }
        };
    }

    private StateMachine stateMachine(String name) {
        StateMachine sm = stateMachines.byName().get(name);
        if (sm == null) throw new IllegalStateException("no state machine " + name + " was deployed");
        return sm;
    }
}
