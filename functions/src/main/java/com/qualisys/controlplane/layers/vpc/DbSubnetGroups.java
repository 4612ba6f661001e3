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
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The RDS DB subnet group over the database subnets. RDS reads tags only through
 * ListTagsForResource, one call per group: the group is identified instead by its fixed name from
 * the spec (unique per account and region; one environment is one account), in one Describe call.
 * It is tagged at creation all the same. Physical id: the name (what CreateDBInstance takes).
 */
final class DbSubnetGroups implements ManagedKind<DBSubnetGroup> {

    @Override
    public ResourceKind kind() {
        return DB_SUBNET_GROUP;
    }

    @Override
    public List<DBSubnetGroup> list(LayerContext ctx) {
        String name = ctx.spec().vpc().dbSubnetGroup();
        try {
            return ctx.aws().rds().describeDBSubnetGroupsPaginator(r -> r.dbSubnetGroupName(name)).dbSubnetGroups().stream()
                    .filter(g -> g.dbSubnetGroupName().equalsIgnoreCase(name)).toList();
        } catch (DbSubnetGroupNotFoundException absent) {
            return List.of();
        }
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeDBSubnetGroups", DBSubnetGroup.class)
                .compare("DBSubnetGroupName", NAME)
                .compare("DBSubnetGroupDescription", DESCRIPTION)
                .compare("Subnets", SUBNETS)
                .ignore(Ignored.sameAs("Subnets") + " (the subnets' VPC)", "VpcId")
                .ignore(Ignored.STATUS, "SubnetGroupStatus")
                .ignore(Ignored.IDENTITY, "DBSubnetGroupArn")
                .ignore(Ignored.READ_ONLY + " (from the subnets)", "SupportedNetworkTypes")
                .build();
    }

    @Override
    public String logicalId(DBSubnetGroup live, LayerContext ctx) {
        return VpcIds.DB_SUBNET_GROUP;
    }

    @Override
    public String physicalId(DBSubnetGroup live) {
        return live.dbSubnetGroupName();
    }

    @Override
    public Map<String, Object> attributes(DBSubnetGroup live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, live.dbSubnetGroupName());
        a.put(DESCRIPTION, live.dbSubnetGroupDescription());
        a.put(SUBNETS, live.subnets().stream().map(s -> ctx.index().refOrRaw(s.subnetIdentifier())).sorted().toList());
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        List<Tag> tags = ctx.tags(want.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        ctx.aws().rds().createDBSubnetGroup(r -> r.dbSubnetGroupName(want.string(NAME))
                .dbSubnetGroupDescription(want.string(DESCRIPTION))
                .subnetIds(subnetIds(want, ctx))
                .tags(tags));
        ctx.index().put(want.logicalId(), want.string(NAME));
    }

    /** One call sets both the description and the subnets. */
    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        ctx.aws().rds().modifyDBSubnetGroup(r -> r.dbSubnetGroupName(live.physicalId())
                .dbSubnetGroupDescription(want.string(DESCRIPTION))
                .subnetIds(subnetIds(want, ctx)));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().rds().deleteDBSubnetGroup(r -> r.dbSubnetGroupName(physicalId));
    }

    static List<String> subnetIds(DesiredResource want, LayerContext ctx) {
        return want.strings(SUBNETS).stream().map(ctx::resolve).toList();
    }
}
