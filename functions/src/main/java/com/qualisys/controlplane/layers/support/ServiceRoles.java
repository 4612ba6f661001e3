package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.GetRolePolicyResponse;
import software.amazon.awssdk.services.iam.model.ListRolePoliciesResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * IAM roles a layer owns (the EKS node role, IRSA roles, the RDS monitoring role). IAM has no
 * tag filter on ListRoles, so a role is found by its fixed name and is ours only when its
 * qualisys:logical-id tag says so. The physical id is the role ARN (what EKS and RDS take).
 * Attributes: {@code trust} (canonical {@link TrustPolicy}), {@code managedPolicies} (sorted ARNs),
 * {@code inlinePolicyNames} (sorted, so an inline policy added out of band is drift) and
 * {@code inlinePolicies} (name to document).
 */
public final class ServiceRoles {
    public static final ResourceKind KIND = ResourceKind.of("iam-role", false);
    private static final String BOUNDARY = "permissionsBoundary";

    private ServiceRoles() {}

    public static DesiredResource desired(String logicalId, List<Map<String, Object>> trust, List<String> managedPolicyArns) {
        return desired(logicalId, trust, managedPolicyArns, Map.of());
    }

    /** inlinePolicies: policy name to its JSON document. */
    public static DesiredResource desired(String logicalId, List<Map<String, Object>> trust, List<String> managedPolicyArns,
                                          Map<String, String> inlinePolicies) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("roleName", Identity.name(logicalId));
        a.put("trust", trust);
        a.put("managedPolicies", managedPolicyArns.stream().sorted().toList());
        a.put("inlinePolicyNames", inlinePolicies.keySet().stream().sorted().toList());
        Map<String, Object> documents = new TreeMap<>();
        inlinePolicies.forEach((name, json) -> documents.put(name, document(json)));
        a.put("inlinePolicies", documents);
        a.put(BOUNDARY, PermissionsBoundary.PATH + PermissionsBoundary.NAME);
        return new DesiredResource(logicalId, KIND, a);
    }

    /** What drift does with every field IAM returns for a service role. */
    public static AttributeDecisions decisions() {
        return AttributeDecisions.of(KIND)
                .read("GetRole", Role.class)
                .compare("RoleName", "roleName")
                .compare("AssumeRolePolicyDocument", "trust")
                .compare("PermissionsBoundary", BOUNDARY)
                .ignore(Ignored.IDENTITY, "RoleId", "Arn")
                .ignore(Ignored.READ_ONLY, "CreateDate", "RoleLastUsed")
                .ignore(Ignored.FIXED_AT_CREATION + " (the path)", "Path")
                .ignore("free text; no effect on access", "Description")
                .ignore("the role is assumed by an AWS service for each use; the session length gives no one else access",
                        "MaxSessionDuration")
                .ignore("the qualisys:* identity tags, checked when the role is found; no policy conditions on them", "Tags")
                .read("ListAttachedRolePolicies", AttachedPolicy.class)
                .compare("PolicyArn", "managedPolicies")
                .ignore(Ignored.sameAs("PolicyArn"), "PolicyName")
                .read("ListRolePolicies", ListRolePoliciesResponse.class)
                .compare("PolicyNames", "inlinePolicyNames")
                .ignore("pagination of the response, not a setting", "IsTruncated", "Marker")
                .read("GetRolePolicy", GetRolePolicyResponse.class)
                .compare("PolicyDocument", "inlinePolicies")
                .ignore(Ignored.IDENTITY, "RoleName", "PolicyName")
                .build();
    }

    public static String awsManagedPolicy(String name) {
        return "arn:aws:iam::aws:policy/" + name;
    }

    /** The role named by the logical id's last segment (GetRole), when it exists; whose it is, its tags say. */
    public static Optional<Role> find(LayerContext ctx, String logicalId) {
        try {
            return Optional.of(ctx.aws().iam().getRole(r -> r.roleName(Identity.name(logicalId))).role());
        } catch (NoSuchEntityException absent) {
            return Optional.empty();
        }
    }

    public static Map<String, String> tags(Role role) {
        Map<String, String> tags = new HashMap<>();
        role.tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    /** The role's attributes: its trust policy, and its attached and inline policies read with their own calls. */
    public static Map<String, Object> attributes(LayerContext ctx, Role role) {
        IamClient iam = ctx.aws().iam();
        String name = role.roleName();
        List<String> attached = new ArrayList<>();
        iam.listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).forEach(attached::add);
        attached.sort(null);
        List<String> inlineNames = new ArrayList<>(iam.listRolePoliciesPaginator(r -> r.roleName(name)).policyNames().stream().toList());
        inlineNames.sort(null);
        Map<String, Object> inline = new TreeMap<>();
        for (String policy : inlineNames) {
            inline.put(policy, document(iam.getRolePolicy(r -> r.roleName(name).policyName(policy)).policyDocument()));
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("roleName", role.roleName());
        a.put("trust", TrustPolicy.canonical(role.assumeRolePolicyDocument(), ctx.index()::refOrRaw));
        a.put("managedPolicies", attached);
        a.put("inlinePolicyNames", inlineNames);
        a.put("inlinePolicies", inline);
        a.put(BOUNDARY, role.permissionsBoundary() == null ? null
                : PermissionsBoundary.pathAndName(role.permissionsBoundary().permissionsBoundaryArn()));
        return a;
    }

    /** Tags a role found by its name without its identity tags again. */
    public static void restoreIdentity(LayerContext ctx, String roleName, String logicalId) {
        List<Tag> tags = ctx.tags(logicalId, roleName).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        ctx.aws().iam().tagRole(r -> r.roleName(roleName).tags(tags));
    }

    public static void create(LayerContext ctx, DesiredResource d, String description) {
        IamClient iam = ctx.aws().iam();
        String name = d.string("roleName");
        List<Tag> tags = ctx.tags(d.logicalId(), name).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        Role role = iam.createRole(r -> r.roleName(name).description(description).tags(tags)
                .permissionsBoundary(PermissionsBoundary.arn(ctx))
                .assumeRolePolicyDocument(TrustPolicy.render(trust(d), ctx::resolve))).role();
        ctx.index().put(d.logicalId(), role.arn());
        for (String arn : d.strings("managedPolicies")) iam.attachRolePolicy(r -> r.roleName(name).policyArn(arn));
        inline(d).forEach((policy, doc) -> iam.putRolePolicy(r -> r.roleName(name).policyName(policy).policyDocument(json(doc))));
    }

    /** Repairs trust and attached policies; a role created before a crash gets its policies here. */
    public static void update(LayerContext ctx, DesiredResource d, ObservedResource live) {
        IamClient iam = ctx.aws().iam();
        String name = d.string("roleName");
        if (!Differ.sameValue(d.attribute("trust"), live.attributes().get("trust"))) {
            iam.updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(TrustPolicy.render(trust(d), ctx::resolve)));
        }
        List<String> want = d.strings("managedPolicies");
        @SuppressWarnings("unchecked")
        List<String> have = (List<String>) live.attributes().getOrDefault("managedPolicies", List.of());
        Map<String, Object> liveInline = inline(live.attributes().get("inlinePolicies"));
        boolean grants = want.stream().anyMatch(arn -> !have.contains(arn))
                || inline(d).entrySet().stream().anyMatch(e -> !Differ.sameValue(e.getValue(), liveInline.get(e.getKey())));
        if (grants || !Differ.sameValue(d.attribute(BOUNDARY), live.attributes().get(BOUNDARY))) PermissionsBoundary.ensure(ctx, name);
        for (String arn : want) if (!have.contains(arn)) iam.attachRolePolicy(r -> r.roleName(name).policyArn(arn));
        for (String arn : have) if (!want.contains(arn)) iam.detachRolePolicy(r -> r.roleName(name).policyArn(arn));
        inline(d).forEach((policy, doc) -> {
            if (!Differ.sameValue(doc, liveInline.get(policy))) {
                iam.putRolePolicy(r -> r.roleName(name).policyName(policy).policyDocument(json(doc)));
            }
        });
        for (String policy : liveInline.keySet()) {
            if (!inline(d).containsKey(policy)) iam.deleteRolePolicy(r -> r.roleName(name).policyName(policy));
        }
    }

    public static void delete(LayerContext ctx, ObservedResource live) {
        IamClient iam = ctx.aws().iam();
        String name = String.valueOf(live.attributes().get("roleName"));
        @SuppressWarnings("unchecked")
        List<String> have = (List<String>) live.attributes().getOrDefault("managedPolicies", List.of());
        for (String arn : have) iam.detachRolePolicy(r -> r.roleName(name).policyArn(arn));
        for (String policy : inline(live.attributes().get("inlinePolicies")).keySet()) {
            iam.deleteRolePolicy(r -> r.roleName(name).policyName(policy));
        }
        iam.deleteRole(r -> r.roleName(name));
    }

    /** A policy document as plain data (IAM returns documents URL-encoded), parsed by the one policy-document model. */
    static Map<String, Object> document(String json) {
        return PolicyDocument.parse(json);
    }

    private static String json(Object document) {
        return PolicyDocument.toJson(document);
    }

    private static Map<String, Object> inline(DesiredResource d) {
        return inline(d.attribute("inlinePolicies"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> inline(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> trust(DesiredResource d) {
        return (List<Map<String, Object>>) d.attribute("trust");
    }
}
