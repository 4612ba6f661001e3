package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Ignored;
import java.util.List;
import software.amazon.awssdk.services.iam.model.ManagedPolicyDetail;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.RoleDetail;

/** What drift does with every field IAM returns for the layer's roles and policies. */
final class IamDecisions {
    private IamDecisions() {}

    static List<AttributeDecisions> all() {
        return List.of(role(), policy());
    }

    static AttributeDecisions role() {
        return AttributeDecisions.of(IamDesired.ROLE)
                .read("GetAccountAuthorizationDetails", RoleDetail.class)
                .compare("AssumeRolePolicyDocument", "assumeRolePolicy")
                .compare("AttachedManagedPolicies", "managedPolicies")
                // The spec allows no inline policy, so any inline policy is drift whatever its document.
                .compare("RolePolicyList", "inlinePolicies")
                .compare("PermissionsBoundary", "permissionsBoundary")
                .compare("Tags", "tags")
                .ignore(Ignored.IDENTITY + " (roles are identified by name)", "RoleName", "RoleId", "Arn")
                .ignore(Ignored.FIXED_AT_CREATION + " (IAM has no call that moves a role to another path)", "Path")
                .ignore(Ignored.READ_ONLY, "CreateDate", "RoleLastUsed")
                .ignore("an instance profile lets EC2 assume the role only if the compared trust policy allows"
                        + " ec2.amazonaws.com", "InstanceProfileList")
                .read("ListRoles", Role.class)
                .compare("MaxSessionDuration", "maxSessionSeconds")
                .compare("Description", "description")
                .ignore(Ignored.sameAs("of GetAccountAuthorizationDetails"), "RoleName", "RoleId", "Arn", "Path", "CreateDate",
                        "AssumeRolePolicyDocument", "PermissionsBoundary", "Tags", "RoleLastUsed")
                .build();
    }

    static AttributeDecisions policy() {
        return AttributeDecisions.of(IamDesired.POLICY)
                .read("GetAccountAuthorizationDetails", ManagedPolicyDetail.class)
                .compare("Path", "path")
                // Only the default version grants anything; the others are kept by IAM for rollback.
                .compare("PolicyVersionList", "document")
                .ignore(Ignored.sameAs("document (the default version's document)"), "DefaultVersionId")
                .ignore(Ignored.IDENTITY + " (policies are identified by name)", "PolicyName", "PolicyId", "Arn")
                .ignore(Ignored.READ_ONLY, "AttachmentCount", "PermissionsBoundaryUsageCount", "IsAttachable", "CreateDate", "UpdateDate")
                .ignore(Ignored.FIXED_AT_CREATION + " (IAM has no call that changes a policy's description); free text",
                        "Description")
                .build();
    }
}
