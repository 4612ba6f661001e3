package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Ignored;
import software.amazon.awssdk.services.iam.model.ManagedPolicyDetail;

/** What drift does with every field IAM returns for the layer's customer-managed policies (roles: {@link com.qualisys.controlplane.iam.RoleKind}). */
final class IamDecisions {
    private IamDecisions() {}

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
