package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The qualisys-postgres15 parameter group. Values are in the units RDS takes (spec). Dynamic
 * parameters apply immediately; static ones (and any whose type is not known yet, as on a new
 * group that no instance runs) at the next reboot, which AWS requires for them.
 */
final class ParameterGroupChanges {
    private static final int PER_CALL = 20;

    private ParameterGroupChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        String name = d.string("name");
        List<Tag> tags = ctx.tags(d.logicalId(), name).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
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

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live) {
        Map<String, String> want = d.stringMap("parameters");
        @SuppressWarnings("unchecked")
        Map<String, Object> have = (Map<String, Object>) live.attributes().getOrDefault("parameters", Map.of());
        Map<String, String> changed = new java.util.TreeMap<>();
        want.forEach((k, v) -> { if (!Differ.sameValue(v, have.get(k))) changed.put(k, v); });
        @SuppressWarnings("unchecked")
        Map<String, Object> applyTypes = (Map<String, Object>) live.attributes().getOrDefault("applyTypes", Map.of());
        modify(ctx, live.physicalId(), changed, applyTypes);
    }

    static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().rds().deleteDBParameterGroup(r -> r.dbParameterGroupName(live.physicalId()));
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
