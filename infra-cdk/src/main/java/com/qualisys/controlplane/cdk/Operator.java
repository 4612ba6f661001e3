package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * What the {@code qualisys} CLI's users need in the hub, as the managed policy {@code qualisys-operator} and a
 * role of the same name that carries it (assumable by whoever the hub account's own IAM allows; each spoke's
 * execution role trusts it with the environment's external id, see EnvironmentAccessStack). It drives the
 * deployed control plane — start provision and drift checks, follow them, approve or reject, read reports —
 * and runs plan, drift and apply from a terminal, holding the environment's lease in the lock table and
 * acting in the environment as its execution role. It cannot start the approved provision (the approver's
 * alone), write budget overrides (the budget function's alone) or change the control plane itself.
 * Local runs of the state machines against AWS ({@code run --local}, {@code simulate-event}) execute the
 * functions' code with the caller's credentials and need what those functions have: an administrator's.
 * PermissionInventoryTest evaluates every call the CLI's tests make against this policy.
 */
final class Operator {
    static final String NAME = "qualisys-operator";
    /** Not under the control plane's own path: the loop guard must treat a person's changes as foreign. */
    static final String PATH = "/qualisys/";
    /** Where ReportStore keeps the plan and drift reports. */
    private static final String REPORTS = "reports/";
    /** Where drift attribution keeps the time of each environment's last clean check. */
    private static final String CHECKS = "checks/";

    private Operator() {}

    static Role create(Construct scope, StateStore state, Map<String, StateMachine> machines, List<EnvironmentSpec> environments) {
        List<String> driven = Stream.of(StateMachines.PROVISION, StateMachines.DRIFT_CHECK, StateMachines.DRIFT_CHECK_ALL)
                .map(m -> machines.get(m.definitionName())).filter(Objects::nonNull).map(StateMachine::getStateMachineArn).toList();
        List<String> executions = Stream.of(StateMachines.PROVISION, StateMachines.DRIFT_CHECK, StateMachines.DRIFT_CHECK_ALL,
                        StateMachines.SECURITY_RESPONSE, StateMachines.BUDGET_RESPONSE)
                .map(m -> FunctionPolicies.arn("states", "execution:" + m.deployedName() + ":*")).toList();
        ManagedPolicy policy = ManagedPolicy.Builder.create(scope, "OperatorPolicy")
                .managedPolicyName(NAME)
                .path(PATH)
                .description("What the qualisys CLI needs in the hub: start and follow provision and drift checks, answer"
                        + " approvals, read reports, hold an environment's lease for apply, reach environments")
                .statements(List.of(
                        FunctionPolicies.allow(List.of("states:StartExecution"), driven),
                        FunctionPolicies.allow(List.of("states:DescribeExecution", "states:GetExecutionHistory"), executions),
                        // StateMachineLocator finds a machine by name.
                        FunctionPolicies.allow(List.of("states:ListStateMachines"), List.of("*")),
                        // The task token is the capability: SendTaskSuccess/Failure name no resource.
                        FunctionPolicies.allow(List.of("states:SendTaskSuccess", "states:SendTaskFailure"), List.of("*")),
                        // apply takes, fences and gives back the environment's lease; unlock breaks a dead run's.
                        FunctionPolicies.allow(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                                List.of(state.lockTable.getTableArn())),
                        // drift stores its report and the time of the last clean check (checks/, for attribution).
                        FunctionPolicies.allow(List.of("s3:GetObject", "s3:PutObject"),
                                List.of(state.reportBucket.arnForObjects(REPORTS + "*"), state.reportBucket.arnForObjects(CHECKS + "*"))),
                        FunctionPolicies.conditional(List.of("s3:ListBucket"), List.of(state.reportBucket.getBucketArn()),
                                "StringLike", Map.of("s3:prefix", List.of(REPORTS + "*", StateStore.OVERRIDES_PREFIX + "*"))),
                        FunctionPolicies.allow(List.of("s3:GetObject"), List.of(state.reportBucket.arnForObjects(StateStore.OVERRIDES_PREFIX + "*"))),
                        FunctionPolicies.assumeExecutionRoles(environments)))
                .build();
        Nag.suppress(policy, "AwsSolutions-IAM5", "The operator follows executions of the control plane's machines (named when"
                + " started), reads and writes reports under reports/ and checks/ (one object per run), finds machines by name"
                + " (ListStateMachines has no resource-level permission) and answers approvals (SendTaskSuccess/Failure name no"
                + " resource: the task token is the capability)");
        Role role = Role.Builder.create(scope, "OperatorRole")
                .roleName(NAME)
                .path(PATH)
                .description("People running the qualisys CLI against the deployed control plane (docs/permissions.md)")
                .assumedBy(new AccountRootPrincipal())
                .managedPolicies(List.of(policy))
                .build();
        CfnOutput.Builder.create(scope, "OperatorRoleArn").value(role.getRoleArn())
                .description("Assume it to run the qualisys CLI (policy " + NAME + ")").build();
        return role;
    }
}
