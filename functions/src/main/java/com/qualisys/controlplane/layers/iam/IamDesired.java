package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.IamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM layer's desired state: the seed's seven roles and six customer-managed policies. Pure.
 *
 * <p>Physical ids are ARNs (other layers resolve {@code ref:iam/role/QualisysEKSService} to the
 * role ARN EKS wants). Customer-managed policies live under the path {@value #POLICY_PATH}: IAM's
 * list calls return no policy tags, so the path is what marks them as the control plane's.
 */
public final class IamDesired {
    public static final ResourceKind ROLE = RoleKind.KIND;
    /** IAM cannot move a policy to another path; a path change replaces the policy. */
    public static final ResourceKind POLICY = ResourceKind.of("iam-policy", false, "path");
    public static final String POLICY_PATH = "/qualisys/";
    /** The session length IAM gives a role when none is set. */
    public static final int DEFAULT_MAX_SESSION_SECONDS = RoleKind.DEFAULT_MAX_SESSION_SECONDS;

    private IamDesired() {}

    public static String roleId(String roleName) {
        return "iam/role/" + roleName;
    }

    public static String policyId(String policyName) {
        return "iam/policy/" + policyName;
    }

    public static String awsManagedPolicyArn(String name) {
        return RoleKind.awsManagedPolicy(name);
    }

    public static List<DesiredResource> of(EnvironmentSpec spec) {
        List<DesiredResource> out = new ArrayList<>();
        for (IamSpec.Policy p : spec.iam().policies()) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("path", POLICY_PATH);
            attrs.put("document", PolicyDocument.canonical(p.json()));
            out.add(new DesiredResource(policyId(p.name()), POLICY, attrs));
        }
        for (IamSpec.Role r : spec.iam().roles()) {
            // No inline policies: every permission is in a reviewed, named policy document.
            out.add(RoleKind.desired(spec.environment(), roleId(r.name()), new RoleKind.Definition(r.name(),
                    PolicyDocument.canonical(TrustPolicy.of(r)),
                    r.maxSessionSeconds() == null ? DEFAULT_MAX_SESSION_SECONDS : r.maxSessionSeconds(),
                    r.purpose(), managedPolicies(r), Map.of())));
        }
        return out;
    }

    /** AWS-managed policy ARNs and refs to our own policies, sorted (a set). */
    static List<String> managedPolicies(IamSpec.Role role) {
        List<String> out = new ArrayList<>();
        role.awsManagedPolicies().forEach(n -> out.add(awsManagedPolicyArn(n)));
        role.customerManagedPolicies().forEach(n -> out.add(DesiredResource.ref(policyId(n))));
        return out.stream().distinct().sorted().toList();
    }

    static Optional<IamSpec.Role> role(EnvironmentSpec spec, String logicalId) {
        return spec.iam().roles().stream().filter(r -> roleId(r.name()).equals(logicalId)).findFirst();
    }

    static Optional<IamSpec.Policy> policy(EnvironmentSpec spec, String logicalId) {
        return spec.iam().policies().stream().filter(p -> policyId(p.name()).equals(logicalId)).findFirst();
    }

    static String nameOf(String logicalId) {
        return logicalId.substring(logicalId.lastIndexOf('/') + 1);
    }
}
