package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;

/** The six subnets; VPC, CIDR and AZ are fixed at creation, tags (EKS load-balancer tags) are repaired. */
final class Subnets implements ManagedKind<Subnet> {

    @Override
    public ResourceKind kind() {
        return SUBNET_KIND;
    }

    @Override
    public List<Subnet> list(LayerContext ctx) {
        return ctx.aws().ec2().describeSubnetsPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx))).subnets().stream().toList();
    }

    @Override
    public String logicalId(Subnet live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(Subnet live) {
        return live.subnetId();
    }

    @Override
    public Map<String, Object> attributes(Subnet live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(VPC, ctx.index().refOrRaw(live.vpcId()));
        a.put(CIDR, live.cidrBlock());
        a.put(AVAILABILITY_ZONE, live.availabilityZone());
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createSubnet(r -> r.vpcId(ctx.resolve(want.attribute(VPC)))
                .cidrBlock(want.string(CIDR))
                .availabilityZone(want.string(AVAILABILITY_ZONE))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.SUBNET, ctx, want))).subnet().subnetId();
        ctx.index().put(want.logicalId(), id);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteSubnet(r -> r.subnetId(physicalId));
    }
}
