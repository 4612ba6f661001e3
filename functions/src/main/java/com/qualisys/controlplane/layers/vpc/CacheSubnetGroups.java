package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.model.CacheSubnetGroup;
import software.amazon.awssdk.services.elasticache.model.CacheSubnetGroupNotFoundException;
import software.amazon.awssdk.services.elasticache.model.Tag;

/**
 * The ElastiCache subnet group over the database subnets. Like the DB subnet group, identified by
 * its fixed name in one Describe call (tags would cost a ListTagsForResource per group), tagged at
 * creation. Physical id: the name.
 */
final class CacheSubnetGroups implements ManagedKind<CacheSubnetGroup> {

    @Override
    public ResourceKind kind() {
        return CACHE_SUBNET_GROUP;
    }

    @Override
    public List<CacheSubnetGroup> list(LayerContext ctx) {
        String name = ctx.spec().vpc().cacheSubnetGroup();
        try {
            return ctx.aws().elastiCache().describeCacheSubnetGroupsPaginator(r -> r.cacheSubnetGroupName(name))
                    .cacheSubnetGroups().stream().filter(g -> g.cacheSubnetGroupName().equalsIgnoreCase(name)).toList();
        } catch (CacheSubnetGroupNotFoundException absent) {
            return List.of();
        }
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeCacheSubnetGroups", CacheSubnetGroup.class)
                .compare("CacheSubnetGroupName", NAME)
                .compare("CacheSubnetGroupDescription", DESCRIPTION)
                .compare("Subnets", SUBNETS)
                .ignore(Ignored.sameAs("Subnets") + " (the subnets' VPC)", "VpcId")
                .ignore(Ignored.IDENTITY, "ARN")
                .ignore(Ignored.READ_ONLY + " (from the subnets)", "SupportedNetworkTypes")
                .build();
    }

    @Override
    public String logicalId(CacheSubnetGroup live, LayerContext ctx) {
        return VpcIds.CACHE_SUBNET_GROUP;
    }

    @Override
    public String physicalId(CacheSubnetGroup live) {
        return live.cacheSubnetGroupName();
    }

    @Override
    public Map<String, Object> attributes(CacheSubnetGroup live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, live.cacheSubnetGroupName());
        a.put(DESCRIPTION, live.cacheSubnetGroupDescription());
        a.put(SUBNETS, live.subnets().stream().map(s -> ctx.index().refOrRaw(s.subnetIdentifier())).sorted().toList());
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        List<Tag> tags = ctx.tags(want.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        ctx.aws().elastiCache().createCacheSubnetGroup(r -> r.cacheSubnetGroupName(want.string(NAME))
                .cacheSubnetGroupDescription(want.string(DESCRIPTION))
                .subnetIds(DbSubnetGroups.subnetIds(want, ctx))
                .tags(tags));
        ctx.index().put(want.logicalId(), want.string(NAME));
    }

    /** One call sets both the description and the subnets. */
    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        ctx.aws().elastiCache().modifyCacheSubnetGroup(r -> r.cacheSubnetGroupName(live.physicalId())
                .cacheSubnetGroupDescription(want.string(DESCRIPTION))
                .subnetIds(DbSubnetGroups.subnetIds(want, ctx)));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().elastiCache().deleteCacheSubnetGroup(r -> r.cacheSubnetGroupName(physicalId));
    }
}
