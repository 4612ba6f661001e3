package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * The IAM roles a layer owns ({@link ServiceRoles}) as a kind of that layer. IAM has no tag
 * filter on ListRoles, so each role is read by its fixed name (one GetRole per role). A role whose
 * qualisys:* tags were removed out of band keeps its name: it is found again by it, reported
 * "identity tags removed" and tagged again, where a create would fail on the name taken.
 */
public final class ServiceRoleKind implements ManagedKind<Role> {
    private final Function<EnvironmentSpec, List<String>> roleIds;
    private final BiFunction<LayerContext, DesiredResource, String> description;

    /** roleIds: the logical ids of the layer's roles; description: the text a new role gets. */
    public ServiceRoleKind(Function<EnvironmentSpec, List<String>> roleIds, BiFunction<LayerContext, DesiredResource, String> description) {
        this.roleIds = roleIds;
        this.description = description;
    }

    @Override
    public ResourceKind kind() {
        return ServiceRoles.KIND;
    }

    @Override
    public AttributeDecisions decisions() {
        return ServiceRoles.decisions();
    }

    @Override
    public List<Role> list(LayerContext ctx) {
        List<Role> out = new ArrayList<>();
        for (String id : roleIds.apply(ctx.spec())) ServiceRoles.find(ctx, id).ifPresent(out::add);
        return out;
    }

    @Override
    public String logicalId(Role live, LayerContext ctx) {
        String id = Identity.logicalId(ServiceRoles.tags(live), ctx.environment());
        return id != null && roleIds.apply(ctx.spec()).contains(id) ? id : null;
    }

    /** The role of this name, unless its tags say it is another's (another logical id or environment). */
    @Override
    public Optional<Role> findUntagged(DesiredResource want, LayerContext ctx) {
        return ServiceRoles.find(ctx, want.logicalId()).filter(role -> Identity.claimable(ServiceRoles.tags(role), ctx, want.logicalId()));
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        ServiceRoles.restoreIdentity(ctx, Identity.name(logicalId), logicalId);
    }

    @Override
    public String physicalId(Role live) {
        return live.arn();
    }

    @Override
    public Map<String, Object> attributes(Role live, LayerContext ctx) {
        return ServiceRoles.attributes(ctx, live);
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        ServiceRoles.create(ctx, want, description.apply(ctx, want));
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        ServiceRoles.update(ctx, want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ServiceRoles.delete(ctx, live);
    }
}
