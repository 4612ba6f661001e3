package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The permissions boundary of every role the layers create ({@link PermissionsBoundary}): it caps
 * what those roles (the seed's admins included) can ever do to the control plane itself — its
 * roles and policies, its state, its functions — and makes every role they create carry it too.
 * It lives under the control plane's role path, which the layers' own policies deny them.
 */
final class RoleBoundary {
    private RoleBoundary() {}

    static ManagedPolicy create(Construct scope, EnvironmentSpec spec) {
        String boundary = FunctionPolicies.boundaryArn();
        List<String> functions = new ArrayList<>();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            functions.add(FunctionPolicies.arn("lambda", "function:" + f.deployedName()));
            functions.add(FunctionPolicies.arn("lambda", "function:" + f.deployedName() + ":*"));
        }
        ManagedPolicy policy = ManagedPolicy.Builder.create(scope, "RoleBoundary")
                .managedPolicyName(PermissionsBoundary.NAME)
                .path(PermissionsBoundary.PATH)
                .description("Permissions boundary of the roles the QUALISYS layers create")
                .statements(List.of(
                        PolicyStatement.Builder.create().sid("WhatTheRoleIsGranted").effect(Effect.ALLOW)
                                .actions(List.of("*")).resources(List.of("*")).build(),
                        PolicyStatement.Builder.create().sid("NeverTheControlPlanesIdentity").effect(Effect.DENY)
                                .actions(List.of("iam:*"))
                                .resources(List.of(FunctionPolicies.globalArn("iam", "role" + FunctionPolicies.ROLE_PATH + "*"),
                                        FunctionPolicies.globalArn("iam", "policy" + FunctionPolicies.ROLE_PATH + "*"),
                                        FunctionPolicies.globalArn("iam", "role/" + FunctionPolicies.ROLE_NAME_PREFIX + "*"),
                                        FunctionPolicies.globalArn("iam", "role/*/" + FunctionPolicies.ROLE_NAME_PREFIX + "*")))
                                .build(),
                        PolicyStatement.Builder.create().sid("KeepTheBoundary").effect(Effect.DENY)
                                .actions(List.of("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"))
                                .resources(List.of("*")).build(),
                        PolicyStatement.Builder.create().sid("NewPrincipalsCarryTheBoundary").effect(Effect.DENY)
                                .actions(List.of("iam:CreateRole", "iam:CreateUser", "iam:PutRolePermissionsBoundary",
                                        "iam:PutUserPermissionsBoundary"))
                                .resources(List.of("*"))
                                .conditions(Map.of("StringNotEquals", Map.of("iam:PermissionsBoundary", boundary))).build(),
                        // The functions are invoked by the state machines' roles and the event sources only.
                        PolicyStatement.Builder.create().sid("NeverInvokeTheControlPlanesFunctions").effect(Effect.DENY)
                                .actions(List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:Update*",
                                        "lambda:AddPermission", "lambda:PutFunction*", "lambda:DeleteFunction*"))
                                .resources(functions).build(),
                        PolicyStatement.Builder.create().sid("NeverTheControlPlanesState").effect(Effect.DENY)
                                .actions(List.of("s3:PutObject*", "s3:DeleteObject*", "s3:PutBucket*", "s3:DeleteBucket*",
                                        "s3:PutLifecycleConfiguration", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                        "dynamodb:DeleteItem", "dynamodb:DeleteTable", "dynamodb:UpdateTable",
                                        "sns:Publish", "sns:SetTopicAttributes", "sns:DeleteTopic"))
                                .resources(List.of(FunctionPolicies.s3Arn(spec.reportBucket()),
                                        FunctionPolicies.s3Arn(spec.reportBucket()) + "/*",
                                        FunctionPolicies.arn("dynamodb", "table/" + spec.state().lockTable()),
                                        FunctionPolicies.arn("sns", "qualisys-control-plane-*")))
                                .build()))
                .build();
        String ceiling = "A permissions boundary grants nothing: its Allow * is the ceiling that each role's own policies"
                + " narrow, and its denies keep every role the layers create away from the control plane.";
        for (String check : List.of("CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111")) {
            Checkov.skip(policy, check, ceiling);
        }
        Nag.suppress(policy, "AwsSolutions-IAM5", "A permissions boundary: its Allow * is the ceiling that the role's own"
                + " policies narrow; what it adds are the denies that keep every role the layers create away from the"
                + " control plane.");
        return policy;
    }
}
