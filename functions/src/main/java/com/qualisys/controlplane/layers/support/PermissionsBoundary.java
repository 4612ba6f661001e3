package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.LayerContext;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Every role the layers create carries the control plane's permissions boundary, a managed policy the
 * control plane's stack owns under its own path (out of the layers' reach): whatever a role is granted,
 * it can never touch the control plane's identity, state or functions. The appliers' policy allows
 * CreateRole, PutRolePolicy and AttachRolePolicy only with this boundary (iam:PermissionsBoundary),
 * so a role without it cannot be given permissions: a role made before boundaries gets it first.
 */
public final class PermissionsBoundary {
    public static final String PATH = "/control-plane/";
    public static final String NAME = "qualisys-control-plane-role-boundary";

    private PermissionsBoundary() {}

    public static String arn(LayerContext ctx) {
        return "arn:aws:iam::" + ctx.aws().accountId() + ":policy" + PATH + NAME;
    }

    /** "arn:aws:iam::<account>:policy/control-plane/x" → "/control-plane/x": the boundary without its account. */
    public static String pathAndName(String policyArn) {
        int policy = policyArn.indexOf(":policy/");
        return policy < 0 ? policyArn : policyArn.substring(policy + ":policy".length());
    }

    /** Puts the boundary on an existing role that lacks it (or has another), before its policies change. */
    public static void ensure(LayerContext ctx, String roleName) {
        IamClient iam = ctx.aws().iam();
        String want = arn(ctx);
        Role role;
        try {
            role = iam.getRole(r -> r.roleName(roleName)).role();
        } catch (NoSuchEntityException gone) {
            return;
        }
        String have = role.permissionsBoundary() == null ? null : role.permissionsBoundary().permissionsBoundaryArn();
        if (!want.equals(have)) iam.putRolePermissionsBoundary(r -> r.roleName(roleName).permissionsBoundary(want));
    }
}
