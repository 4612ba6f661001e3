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
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateRouteRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteRequest;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/**
 * Route tables with their routes and explicit subnet associations as attributes. Repairs add,
 * replace or delete single routes and move single subnets; the local route is AWS's and is never
 * touched.
 */
final class RouteTables implements ManagedKind<RouteTable> {

    @Override
    public ResourceKind kind() {
        return ROUTE_TABLE;
    }

    @Override
    public List<RouteTable> list(LayerContext ctx) {
        return ctx.aws().ec2().describeRouteTablesPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx)))
                .routeTables().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeRouteTables", RouteTable.class)
                .compare("VpcId", VPC)
                .compare("Routes", ROUTES)
                .compare("Associations", SUBNETS)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "RouteTableId")
                .ignore(Ignored.READ_ONLY, "OwnerId")
                .ignore("routes a virtual private gateway propagates show in Routes, which is compared", "PropagatingVgws")
                .build();
    }

    /** Found by its VPC and an explicit association with one of its subnets (the VPC's main table has none). */
    @Override
    public Optional<RouteTable> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> vpc = Ec2Tags.known(ctx, want.string(VPC));
        Optional<String> subnet = want.strings(SUBNETS).stream().map(s -> Ec2Tags.known(ctx, s)).flatMap(Optional::stream).findFirst();
        if (vpc.isEmpty() || subnet.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeRouteTables(r -> r.filters(Ec2Tags.filter("vpc-id", vpc.get()),
                Ec2Tags.filter("association.subnet-id", subnet.get()))).routeTables(), RouteTable::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(RouteTable live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(RouteTable live) {
        return live.routeTableId();
    }

    @Override
    public Map<String, Object> attributes(RouteTable live, LayerContext ctx) {
        Map<String, String> associations = new TreeMap<>();
        for (RouteTableAssociation a : live.associations()) {
            if (a.subnetId() != null && !Boolean.TRUE.equals(a.main())) {
                associations.put(ctx.index().refOrRaw(a.subnetId()), a.routeTableAssociationId());
            }
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(VPC, ctx.index().refOrRaw(live.vpcId()));
        a.put(ROUTES, Routes.observe(live.routes(), ctx.index()::refOrRaw));
        a.put(SUBNETS, List.copyOf(associations.keySet()));
        a.put(ASSOCIATION_IDS, associations);
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createRouteTable(r -> r.vpcId(ctx.resolve(want.attribute(VPC)))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.ROUTE_TABLE, ctx, want))).routeTable().routeTableId();
        ctx.index().put(want.logicalId(), id);
        repairRoutes(ctx, id, want.strings(ROUTES), List.of());
        associate(ctx, id, want.strings(SUBNETS));
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        String id = live.physicalId();
        if (ManagedKind.differs(want, live, ROUTES)) repairRoutes(ctx, id, want.strings(ROUTES), ManagedKind.strings(live, ROUTES));
        if (ManagedKind.differs(want, live, SUBNETS)) {
            List<String> liveSubnets = ManagedKind.strings(live, SUBNETS);
            associate(ctx, id, ManagedKind.minus(want.strings(SUBNETS), liveSubnets));
            Map<String, String> associationIds = ManagedKind.stringMap(live, ASSOCIATION_IDS);
            List<String> extras = ManagedKind.minus(liveSubnets, want.strings(SUBNETS));
            // A table repaired earlier in this apply may have taken the subnet over (a move gives it a new
            // association id): drop only the associations this table still holds, rather than call AWS
            // with an id that no longer exists.
            List<String> held = extras.isEmpty() ? List.of() : heldAssociationIds(ctx, id);
            for (String extra : extras) {
                String associationId = associationIds.get(extra);
                if (!held.contains(associationId)) continue;
                Ec2Errors.ignoreAssociationGone(() -> ctx.aws().ec2().disassociateRouteTable(r -> r.associationId(associationId)));
            }
        }
        Ec2Tags.repair(ctx, id, want, live);
    }

    private static List<String> heldAssociationIds(LayerContext ctx, String routeTableId) {
        return ctx.aws().ec2().describeRouteTables(r -> r.routeTableIds(routeTableId)).routeTables().stream()
                .flatMap(t -> t.associations().stream()).map(RouteTableAssociation::routeTableAssociationId).toList();
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ManagedKind.stringMap(live, ASSOCIATION_IDS).values()
                .forEach(associationId -> ctx.aws().ec2().disassociateRouteTable(r -> r.associationId(associationId)));
        ctx.aws().ec2().deleteRouteTable(r -> r.routeTableId(physicalId));
    }

    /** Creates missing routes, replaces routes whose target differs, deletes routes the spec does not have. */
    private static void repairRoutes(LayerContext ctx, String tableId, List<String> wanted, List<String> current) {
        Map<String, String> want = byDestination(wanted);
        Map<String, String> have = byDestination(current);
        Ec2Client ec2 = ctx.aws().ec2();
        want.forEach((destination, target) -> {
            String liveTarget = have.get(destination);
            if (target.equals(liveTarget)) return;
            String targetId = ctx.resolve(target);
            if (liveTarget == null) {
                CreateRouteRequest.Builder r = CreateRouteRequest.builder().routeTableId(tableId);
                destination(r, destination);
                target(r, targetId);
                ec2.createRoute(r.build());
            } else {
                ReplaceRouteRequest.Builder r = ReplaceRouteRequest.builder().routeTableId(tableId);
                destination(r, destination);
                target(r, targetId);
                ec2.replaceRoute(r.build());
            }
        });
        have.keySet().stream().filter(d -> !want.containsKey(d)).forEach(destination -> ec2.deleteRoute(r -> {
            r.routeTableId(tableId);
            if (destination.startsWith("pl-")) r.destinationPrefixListId(destination);
            else if (destination.contains(":")) r.destinationIpv6CidrBlock(destination);
            else r.destinationCidrBlock(destination);
        }));
    }

    /** Non-local routes by destination. */
    private static Map<String, String> byDestination(List<String> routes) {
        Map<String, String> map = new LinkedHashMap<>();
        routes.stream().map(Routes.Entry::parse).filter(e -> !e.local()).forEach(e -> map.put(e.destination(), e.target()));
        return map;
    }

    private static void destination(CreateRouteRequest.Builder r, String destination) {
        if (destination.startsWith("pl-")) r.destinationPrefixListId(destination);
        else if (destination.contains(":")) r.destinationIpv6CidrBlock(destination);
        else r.destinationCidrBlock(destination);
    }

    private static void destination(ReplaceRouteRequest.Builder r, String destination) {
        if (destination.startsWith("pl-")) r.destinationPrefixListId(destination);
        else if (destination.contains(":")) r.destinationIpv6CidrBlock(destination);
        else r.destinationCidrBlock(destination);
    }

    private static void target(CreateRouteRequest.Builder r, String targetId) {
        switch (targetType(targetId)) {
            case "nat" -> r.natGatewayId(targetId);
            case "tgw" -> r.transitGatewayId(targetId);
            case "pcx" -> r.vpcPeeringConnectionId(targetId);
            case "eni" -> r.networkInterfaceId(targetId);
            default -> r.gatewayId(targetId);
        }
    }

    private static void target(ReplaceRouteRequest.Builder r, String targetId) {
        switch (targetType(targetId)) {
            case "nat" -> r.natGatewayId(targetId);
            case "tgw" -> r.transitGatewayId(targetId);
            case "pcx" -> r.vpcPeeringConnectionId(targetId);
            case "eni" -> r.networkInterfaceId(targetId);
            default -> r.gatewayId(targetId);
        }
    }

    /** The id's prefix: nat, tgw, pcx, eni; internet, virtual private and endpoint gateways go as gatewayId. */
    private static String targetType(String targetId) {
        int dash = targetId.indexOf('-');
        return dash < 0 ? targetId : targetId.substring(0, dash);
    }

    /**
     * Associates subnets with a table. A subnet already explicitly associated with another table
     * must be moved with ReplaceRouteTableAssociation (AssociateRouteTable would be refused): one
     * describe finds those associations for all the subnets at once.
     */
    private static void associate(LayerContext ctx, String tableId, List<String> subnetRefs) {
        if (subnetRefs.isEmpty()) return;
        Ec2Client ec2 = ctx.aws().ec2();
        List<String> subnetIds = subnetRefs.stream().map(ctx::resolve).toList();
        Map<String, String> current = new LinkedHashMap<>();
        ec2.describeRouteTablesPaginator(r -> r.filters(Filter.builder().name("association.subnet-id").values(subnetIds).build()))
                .routeTables().forEach(t -> t.associations().stream()
                        .filter(a -> a.subnetId() != null && subnetIds.contains(a.subnetId()))
                        .forEach(a -> current.put(a.subnetId(), a.routeTableAssociationId())));
        for (String subnetId : subnetIds) {
            String associationId = current.get(subnetId);
            if (associationId == null) {
                ec2.associateRouteTable(r -> r.routeTableId(tableId).subnetId(subnetId));
            } else {
                ec2.replaceRouteTableAssociation(r -> r.associationId(associationId).routeTableId(tableId));
            }
        }
    }
}
