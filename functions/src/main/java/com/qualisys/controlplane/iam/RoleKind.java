package com.qualisys.controlplane.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.iam.AccountAuthorization.LiveRole;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.RoleDetail;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The one IAM role kind, for every layer that owns roles (the iam layer's roles, the EKS node and
 * IRSA roles, the RDS monitoring role, the VPC flow-log role): trust policy, session length,
 * description, attached and inline policies, permissions boundary and tags, all compared and
 * repaired one call per differing attribute. Documents are in the one policy-document model
 * ({@link PolicyDocument}): refs, {@link PolicyDocument#ACCOUNT_ID} and
 * {@link PolicyDocument#OIDC_ISSUER} are filled in before a document is sent, and a live document
 * that means the same reads back as the desired one.
 *
 * <p>List: {@link AccountAuthorization} (two paginated calls, whatever the number of roles). A live
 * role belongs to the layer when the layer wants a role of its name (IAM role names are unique in
 * an account: a role created before a crash is found again, one stripped of its qualisys:* tags is
 * drift "identity tags removed" and tagged again by apply) unless the qualisys tags it has left name
 * another environment or resource, or when it carries this
 * environment's identity with a logical id under the layer's prefix (a role the spec no longer
 * names is then deleted). Physical id: the role ARN (what EKS, RDS and flow logs take).
 */
public final class RoleKind implements ManagedKind<RoleKind.Owned> {
    public static final String NAME = "roleName";
    public static final String TRUST = "assumeRolePolicy";
    public static final String MAX_SESSION = "maxSessionSeconds";
    public static final String DESCRIPTION = "description";
    /** Sorted ARNs, refs for the control plane's own policies. */
    public static final String MANAGED_POLICIES = "managedPolicies";
    /** Sorted names: a list, so an inline policy added out of band is drift. */
    public static final String INLINE_POLICIES = "inlinePolicies";
    /** Inline policy name to document. */
    public static final String INLINE_DOCUMENTS = "inlinePolicyDocuments";
    /** Path and name of the boundary policy, without the account. */
    public static final String BOUNDARY = "permissionsBoundary";
    public static final String TAGS = "tags";
    /** The session length IAM gives a role when none is set. */
    public static final int DEFAULT_MAX_SESSION_SECONDS = 3600;
    /** IAM cannot rename a role: a new name is a new role. */
    public static final ResourceKind KIND = ResourceKind.of("iam-role", false, NAME);

    /**
     * What a layer wants of one role. Documents in the policy-document model; managed policies as
     * ARNs or refs to the control plane's own policies.
     */
    public record Definition(String name, Map<String, Object> trust, int maxSessionSeconds, String description,
                             List<String> managedPolicies, Map<String, Map<String, Object>> inlinePolicies) {
        public Definition {
            managedPolicies = managedPolicies.stream().distinct().sorted().toList();
            inlinePolicies = new TreeMap<>(inlinePolicies);
        }
    }

    /** A live role this layer owns, with the desired resource of its logical id (null when the spec no longer names it). */
    public record Owned(String logicalId, LiveRole live, DesiredResource want) {}

    private final String ownedPrefix;
    private final Function<EnvironmentSpec, List<DesiredResource>> layerDesired;
    private final AccountAuthorization account;

    /**
     * @param ownedPrefix the logical-id prefix of the layer's roles ("eks/role/")
     * @param layerDesired the layer's desired state (its roles are those of this kind)
     */
    public RoleKind(String ownedPrefix, Function<EnvironmentSpec, List<DesiredResource>> layerDesired, AccountAuthorization account) {
        this.ownedPrefix = ownedPrefix;
        this.layerDesired = layerDesired;
        this.account = account;
    }

    public RoleKind(String ownedPrefix, Function<EnvironmentSpec, List<DesiredResource>> layerDesired) {
        this(ownedPrefix, layerDesired, AccountAuthorization.roles());
    }

    /** The desired resource of one role; tagged with the environment's identity. */
    public static DesiredResource desired(String environment, String logicalId, Definition role) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, role.name());
        a.put(TRUST, role.trust());
        a.put(MAX_SESSION, role.maxSessionSeconds());
        a.put(DESCRIPTION, role.description());
        a.put(MANAGED_POLICIES, role.managedPolicies());
        a.put(INLINE_POLICIES, List.copyOf(role.inlinePolicies().keySet()));
        a.put(INLINE_DOCUMENTS, new TreeMap<String, Object>(role.inlinePolicies()));
        a.put(BOUNDARY, PermissionsBoundary.PATH + PermissionsBoundary.NAME);
        a.put(TAGS, Tags.identity(environment, logicalId, null));
        return new DesiredResource(logicalId, KIND, a);
    }

    public static String awsManagedPolicy(String name) {
        return "arn:aws:iam::aws:policy/" + name;
    }

    /** "arn:aws:iam::123:role/path/name" → "name". */
    public static String roleName(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    @Override
    public ResourceKind kind() {
        return KIND;
    }

    @Override
    public AttributeDecisions decisions() {
        return decisionsOf(KIND);
    }

    /** What drift does with every field IAM returns for a role. */
    public static AttributeDecisions decisionsOf(ResourceKind kind) {
        return AttributeDecisions.of(kind)
                .read("GetAccountAuthorizationDetails", RoleDetail.class)
                .compare("RoleName", NAME)
                .compare("AssumeRolePolicyDocument", TRUST)
                .compare("AttachedManagedPolicies", MANAGED_POLICIES)
                .compare("RolePolicyList[].PolicyName", INLINE_POLICIES)
                .compare("RolePolicyList[].PolicyDocument", INLINE_DOCUMENTS)
                .compare("PermissionsBoundary", BOUNDARY)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "RoleId", "Arn")
                .ignore(Ignored.FIXED_AT_CREATION + " (IAM has no call that moves a role to another path)", "Path")
                .ignore(Ignored.READ_ONLY, "CreateDate", "RoleLastUsed")
                .ignore("an instance profile lets EC2 assume the role only if the compared trust policy allows"
                        + " ec2.amazonaws.com", "InstanceProfileList")
                .read("ListRoles", Role.class)
                .compare("MaxSessionDuration", MAX_SESSION)
                .compare("Description", DESCRIPTION)
                .ignore(Ignored.sameAs("of GetAccountAuthorizationDetails"), "RoleName", "RoleId", "Arn", "Path", "CreateDate",
                        "AssumeRolePolicyDocument", "PermissionsBoundary", "Tags", "RoleLastUsed")
                .build();
    }

    @Override
    public List<Owned> list(LayerContext ctx) {
        Map<String, DesiredResource> byName = new HashMap<>();
        Map<String, DesiredResource> byId = new HashMap<>();
        for (DesiredResource d : layerDesired.apply(ctx.spec())) {
            if (!d.kind().name().equals(KIND.name())) continue;
            byName.put(d.string(NAME), d);
            byId.put(d.logicalId(), d);
        }
        List<Owned> out = new ArrayList<>();
        for (LiveRole role : account.roles(ctx)) {
            Map<String, String> tags = tags(role.detail());
            String claimed = Identity.logicalId(tags, ctx.environment());
            DesiredResource named = byName.get(role.detail().roleName());
            // The role of a wanted name is the layer's unless the qualisys:* tags it has left name another
            // environment or resource; without its identity it is drift (identityLost), tagged again by apply.
            if (named != null && Identity.claimable(tags, ctx, named.logicalId())) {
                out.add(new Owned(named.logicalId(), role, named));
            } else if (claimed != null && claimed.startsWith(ownedPrefix) && !byName.containsKey(role.detail().roleName())) {
                out.add(new Owned(claimed, role, byId.get(claimed)));
            }
        }
        return out;
    }

    @Override
    public String logicalId(Owned owned, LayerContext ctx) {
        return owned.logicalId();
    }

    /** A role of a wanted name that does not carry this environment's identity (all or some of its qualisys:* tags removed). */
    @Override
    public boolean identityLost(Owned owned, LayerContext ctx) {
        return owned.want() != null && !Identity.isOurs(tags(owned.live().detail()), ctx, owned.logicalId());
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        ctx.aws().iam().tagRole(r -> r.roleName(roleName(physicalId)).tags(ctx.tags(logicalId, null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }

    @Override
    public String physicalId(Owned owned) {
        return owned.live().detail().arn();
    }

    @Override
    public Map<String, Object> attributes(Owned owned, LayerContext ctx) {
        RoleDetail r = owned.live().detail();
        Role listed = owned.live().listed();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, r.roleName());
        a.put(TRUST, document(r.assumeRolePolicyDocument(), documentOf(owned.want() == null ? null : owned.want().attribute(TRUST)), ctx));
        if (listed != null) {
            a.put(MAX_SESSION, listed.maxSessionDuration());
            a.put(DESCRIPTION, listed.description());
        }
        a.put(MANAGED_POLICIES, r.attachedManagedPolicies().stream().map(p -> ctx.index().refOrRaw(p.policyArn())).distinct().sorted().toList());
        a.put(INLINE_POLICIES, r.rolePolicyList().stream().map(p -> p.policyName()).sorted().toList());
        Map<String, Object> wantedDocs = owned.want() == null ? Map.of() : documents(owned.want().attribute(INLINE_DOCUMENTS));
        Map<String, Object> docs = new TreeMap<>();
        r.rolePolicyList().forEach(p -> docs.put(p.policyName(), document(p.policyDocument(), documentOf(wantedDocs.get(p.policyName())), ctx)));
        a.put(INLINE_DOCUMENTS, docs);
        a.put(BOUNDARY, r.permissionsBoundary() == null ? null : PermissionsBoundary.pathAndName(r.permissionsBoundary().permissionsBoundaryArn()));
        a.put(TAGS, tags(r));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        String name = want.string(NAME);
        List<Tag> tags = want.stringMap(TAGS).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn = iam.createRole(r -> r.roleName(name)
                .permissionsBoundary(PermissionsBoundary.arn(ctx))
                .assumeRolePolicyDocument(render(want.attribute(TRUST), ctx))
                .maxSessionDuration(((Number) want.attribute(MAX_SESSION)).intValue())
                .description(want.string(DESCRIPTION))
                .tags(tags)).role().arn();
        ctx.index().put(want.logicalId(), arn);
        // A crash between here and the last grant leaves a role the next observe finds by name;
        // its missing grants are then an update.
        for (String policy : resolved(want.strings(MANAGED_POLICIES), ctx)) iam.attachRolePolicy(r -> r.roleName(name).policyArn(policy));
        documents(want.attribute(INLINE_DOCUMENTS)).forEach((policy, doc) ->
                iam.putRolePolicy(r -> r.roleName(name).policyName(policy).policyDocument(render(doc, ctx))));
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        String name = roleName(live.physicalId());
        if (ManagedKind.differs(want, live, TRUST)) {
            iam.updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(render(want.attribute(TRUST), ctx)));
        }
        if (ManagedKind.differs(want, live, MAX_SESSION) || ManagedKind.differs(want, live, DESCRIPTION)) {
            iam.updateRole(r -> r.roleName(name).maxSessionDuration(((Number) want.attribute(MAX_SESSION)).intValue())
                    .description(want.string(DESCRIPTION)));
        }
        // The boundary goes back before any grant (the appliers may grant only to a bounded role).
        if (ManagedKind.differs(want, live, BOUNDARY)) {
            iam.putRolePermissionsBoundary(r -> r.roleName(name).permissionsBoundary(PermissionsBoundary.arn(ctx)));
        }
        Set<String> wantPolicies = resolved(want.strings(MANAGED_POLICIES), ctx);
        Set<String> havePolicies = resolved(ManagedKind.strings(live, MANAGED_POLICIES), ctx);
        for (String arn : wantPolicies) if (!havePolicies.contains(arn)) iam.attachRolePolicy(r -> r.roleName(name).policyArn(arn));
        for (String arn : havePolicies) if (!wantPolicies.contains(arn)) iam.detachRolePolicy(r -> r.roleName(name).policyArn(arn));
        Map<String, Object> wantDocs = documents(want.attribute(INLINE_DOCUMENTS));
        Map<String, Object> haveDocs = documents(live.attributes().get(INLINE_DOCUMENTS));
        wantDocs.forEach((policy, doc) -> {
            if (!com.qualisys.controlplane.engine.Differ.sameValue(doc, haveDocs.get(policy))) {
                iam.putRolePolicy(r -> r.roleName(name).policyName(policy).policyDocument(render(doc, ctx)));
            }
        });
        for (String policy : ManagedKind.strings(live, INLINE_POLICIES)) {
            if (!wantDocs.containsKey(policy)) iam.deleteRolePolicy(r -> r.roleName(name).policyName(policy));
        }
        // A role found without its identity was tagged again before this update (ManagedKinds.apply).
        if (!live.identityLost() && ManagedKind.differs(want, live, TAGS)) {
            iam.tagRole(r -> r.roleName(name).tags(want.stringMap(TAGS).entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        }
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        String name = roleName(physicalId);
        for (String policy : resolved(ManagedKind.strings(live, MANAGED_POLICIES), ctx)) iam.detachRolePolicy(r -> r.roleName(name).policyArn(policy));
        for (String inline : ManagedKind.strings(live, INLINE_POLICIES)) iam.deleteRolePolicy(r -> r.roleName(name).policyName(inline));
        iam.listInstanceProfilesForRolePaginator(r -> r.roleName(name)).instanceProfiles().forEach(p ->
                iam.removeRoleFromInstanceProfile(r -> r.roleName(name).instanceProfileName(p.instanceProfileName())));
        iam.deleteRole(r -> r.roleName(name));
    }

    /** A document to send: refs, the account id and the OIDC issuer filled in. */
    static String render(Object document, LayerContext ctx) {
        return PolicyDocument.toJson(PolicyDocument.concrete(documentOf(document), ctx.aws().accountId(), ctx::resolve));
    }

    /** A live document in the desired one's vocabulary when they mean the same (a ref not created yet: never the same). */
    private static Map<String, Object> document(String liveText, Map<String, Object> desired, LayerContext ctx) {
        String account = ctx.aws().accountId();
        Map<String, Object> concrete = null;
        if (desired != null) {
            try {
                concrete = PolicyDocument.concrete(desired, account, ctx::resolve);
            } catch (RuntimeException unresolved) {
                concrete = null;
            }
        }
        return PolicyDocument.observed(liveText, account, desired, concrete);
    }

    private static Set<String> resolved(List<String> policies, LayerContext ctx) {
        Set<String> out = new LinkedHashSet<>();
        policies.forEach(p -> out.add(ctx.resolve(p)));
        return out;
    }

    private static Map<String, String> tags(RoleDetail r) {
        Map<String, String> tags = new LinkedHashMap<>();
        r.tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> documentOf(Object document) {
        return (Map<String, Object>) document;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> documents(Object documents) {
        return documents == null ? Map.of() : (Map<String, Object>) documents;
    }
}
