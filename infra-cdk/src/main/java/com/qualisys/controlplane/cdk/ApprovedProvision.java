package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Who may approve destructive changes up front. Step Functions has no resource policies, so the path
 * is a machine of its own: provision deployed a second time as {@code qualisys-provision-approved}, whose
 * StartExecution only the spec's approver ({@code aws.approverRole}, a role in the hub account) is granted,
 * with an {@code aws:PrincipalArn} condition. The Lock function refuses {@code approveDestructive: true}
 * in any run that did not start on that machine (LockHandler), so starting {@code qualisys-provision}
 * with it fails before anything is locked. Without an approver, the machine is not deployed and every
 * destructive plan waits for its approval.
 */
final class ApprovedProvision {
    private ApprovedProvision() {}

    /** The definitions to deploy: the given ones, and provision once more under the approved name when an approver is named. */
    static List<AslDefinition> definitions(ControlPlaneSettings settings) {
        List<AslDefinition> out = new ArrayList<>(settings.definitions());
        if (approverRole(settings.controlPlaneSpec()).isEmpty()) return out;
        settings.definition(StateMachines.PROVISION.definitionName()).ifPresent(d -> out.add(new AslDefinition(
                StateMachines.APPROVED_PROVISION, d.source(), d.text(), d.placeholders(), d.invokedFunctions(),
                d.environmentFunctions(), d.publishedTopics(), d.putsEvents(), d.lockTableActions())));
        return out;
    }

    /** Grants StartExecution on the approved machine to the approver, and to no one else. */
    static void grant(Construct scope, Map<String, StateMachine> machines, EnvironmentSpec spec) {
        StateMachine approved = machines.get(StateMachines.APPROVED_PROVISION);
        Optional<String> role = approverRole(spec);
        if (approved == null || role.isEmpty()) return;
        String arn = role.get();
        String named = spec.aws().approverRole();
        IRole approver = named.startsWith("arn:") ? Role.fromRoleArn(scope, "Approver", named) : Role.fromRoleName(scope, "Approver", named);
        Policy.Builder.create(scope, "ApproverStartsApprovedProvision")
                .statements(List.of(FunctionPolicies.statement(List.of("states:StartExecution"),
                        List.of(approved.getStateMachineArn()), Map.of("ArnEquals", Map.of("aws:PrincipalArn", arn)))))
                .roles(List.of(approver))
                .build();
        CfnOutput.Builder.create(scope, "ApproverRoleArn").value(arn)
                .description("The only role that may start " + approved.getNode().getId() + " (approveDestructive: true)").build();
    }

    /** The approver's role ARN in the hub (a bare name is a role of the account the stack deploys to). */
    static Optional<String> approverRole(EnvironmentSpec spec) {
        String named = spec.aws().approverRole();
        if (named == null) return Optional.empty();
        return Optional.of(named.startsWith("arn:") ? named : "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":role/" + named);
    }
}
