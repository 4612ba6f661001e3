package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The qualisys-postgres15 parameter group. Values are in the units RDS takes (spec). Dynamic
 * parameters apply immediately; static ones (and any whose type is not known yet, as on a new
 * group that no instance runs) at the next reboot, which AWS requires for them.
 */
final class ParameterGroups implements ManagedKind<ParameterGroups.Group> {
    private static final int PER_CALL = 20;

    /** A parameter group and its tags (RDS describes groups without them). */
    record Group(DBParameterGroup group, Map<String, String> tags) {}

    @Override
    public ResourceKind kind() {
        return RdsResources.PARAMETER_GROUP;
    }

    @Override
    public AttributeDecisions decisions() {
        return RdsDecisions.parameterGroup();
    }

    /** The group has a fixed name: one DescribeDBParameterGroups and one ListTagsForResource. */
    @Override
    public List<Group> list(LayerContext ctx) {
        return describe(ctx).stream().toList();
    }

    private static Optional<Group> describe(LayerContext ctx) {
        RdsClient rds = ctx.aws().rds();
        List<DBParameterGroup> found;
        try {
            found = rds.describeDBParameterGroups(r -> r.dbParameterGroupName(ctx.spec().rds().parameterGroup().name())).dbParameterGroups();
        } catch (DbParameterGroupNotFoundException absent) {
            return Optional.empty();
        }
        if (found.isEmpty()) return Optional.empty();
        DBParameterGroup group = found.get(0);
        Map<String, String> tags = new HashMap<>();
        rds.listTagsForResource(r -> r.resourceName(group.dbParameterGroupArn())).tagList().forEach(t -> tags.put(t.key(), t.value()));
        return Optional.of(new Group(group, tags));
    }

    @Override
    public String logicalId(Group live, LayerContext ctx) {
        String logicalId = RdsResources.parameterGroup(ctx.spec().rds());
        return Identity.isOurs(live.tags(), ctx, logicalId) ? logicalId : null;
    }

    /** The group of the spec's name (unique in the account and region), unless its tags say it is another's. */
    @Override
    public Optional<Group> findUntagged(DesiredResource want, LayerContext ctx) {
        return describe(ctx).filter(g -> Identity.claimable(g.tags(), ctx, want.logicalId()));
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        String arn = describe(ctx).orElseThrow().group().dbParameterGroupArn();
        ctx.aws().rds().addTagsToResource(r -> r.resourceName(arn).tags(RdsResources.tags(ctx, logicalId, physicalId)));
    }

    @Override
    public String physicalId(Group live) {
        return live.group().dbParameterGroupName();
    }

    /** The parameters someone set (Source=user; the engine defaults are AWS's), with their apply types. */
    @Override
    public Map<String, Object> attributes(Group live, LayerContext ctx) {
        String name = live.group().dbParameterGroupName();
        Map<String, Object> values = new TreeMap<>();
        Map<String, Object> applyTypes = new TreeMap<>();
        for (Parameter p : ctx.aws().rds().describeDBParametersPaginator(r -> r.dbParameterGroupName(name).source("user")).parameters()) {
            values.put(p.parameterName(), p.parameterValue());
            if (p.applyType() != null) applyTypes.put(p.parameterName(), p.applyType());
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        a.put("family", live.group().dbParameterGroupFamily());
        a.put("parameters", values);
        a.put("applyTypes", applyTypes);
        return a;
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        String name = d.string("name");
        List<Tag> tags = RdsResources.tags(ctx, d.logicalId(), name);
        try {
            ctx.aws().rds().createDBParameterGroup(r -> r.dbParameterGroupName(name).dbParameterGroupFamily(d.string("family"))
                    .description("QUALISYS " + ctx.environment() + " PostgreSQL parameters").tags(tags));
        } catch (DbParameterGroupAlreadyExistsException e) {
            // Created by a run that stopped before setting the values; the tags say whether it is ours.
            if (!ours(ctx, d.logicalId(), name)) throw e;
        }
        ctx.index().put(d.logicalId(), name);
        modify(ctx, name, d.stringMap("parameters"), Map.of());
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, LayerContext ctx) {
        Map<String, String> want = d.stringMap("parameters");
        @SuppressWarnings("unchecked")
        Map<String, Object> have = (Map<String, Object>) live.attributes().getOrDefault("parameters", Map.of());
        Map<String, String> changed = new java.util.TreeMap<>();
        want.forEach((k, v) -> { if (!Differ.sameValue(v, have.get(k))) changed.put(k, v); });
        @SuppressWarnings("unchecked")
        Map<String, Object> applyTypes = (Map<String, Object>) live.attributes().getOrDefault("applyTypes", Map.of());
        modify(ctx, live.physicalId(), changed, applyTypes);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().rds().deleteDBParameterGroup(r -> r.dbParameterGroupName(physicalId));
    }

    private static void modify(LayerContext ctx, String name, Map<String, String> values, Map<String, Object> applyTypes) {
        List<Parameter> all = new ArrayList<>();
        values.forEach((k, v) -> all.add(Parameter.builder().parameterName(k).parameterValue(v)
                .applyMethod("dynamic".equals(applyTypes.get(k)) ? ApplyMethod.IMMEDIATE : ApplyMethod.PENDING_REBOOT).build()));
        for (int i = 0; i < all.size(); i += PER_CALL) {
            List<Parameter> batch = all.subList(i, Math.min(all.size(), i + PER_CALL));
            ctx.aws().rds().modifyDBParameterGroup(r -> r.dbParameterGroupName(name).parameters(batch));
        }
    }

    private static boolean ours(LayerContext ctx, String logicalId, String name) {
        String arn = ctx.aws().rds().describeDBParameterGroups(r -> r.dbParameterGroupName(name)).dbParameterGroups().get(0)
                .dbParameterGroupArn();
        Map<String, String> tags = new java.util.HashMap<>();
        ctx.aws().rds().listTagsForResource(r -> r.resourceName(arn)).tagList().forEach(t -> tags.put(t.key(), t.value()));
        return Identity.isOurs(tags, ctx, logicalId);
    }
}
