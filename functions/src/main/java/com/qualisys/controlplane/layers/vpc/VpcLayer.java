package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.KindsLayer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.spec.SpecError;
import com.qualisys.controlplane.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;

/**
 * The seed's network: VPC, subnets, internet gateway, NAT gateways with their Elastic IPs, route
 * tables, security groups, network ACLs, flow logs (log group, delivery role, flow log) and the RDS
 * and ElastiCache subnet groups.
 *
 * <p>Observe costs one paginated describe per resource type (EC2 ones filtered by the
 * {@code qualisys:environment} tag; the log group and subnet groups by their fixed names; the
 * flow-log delivery role with the account's roles, {@link RoleKind}), plus the calls AWS offers no
 * batch form for: two DescribeVpcAttribute per VPC (DNS settings).
 */
public final class VpcLayer extends KindsLayer {
    public VpcLayer() {
        super(VpcIds.LAYER, VpcDesiredState::of, List.of(
                new Vpcs(), new Subnets(), new InternetGateways(), new ElasticIps(), new NatGateways(), new RouteTables(),
                new SecurityGroups(), new NetworkAcls(), new FlowLogGroups(), new RoleKind(VpcIds.LAYER + "/iam-role/", VpcDesiredState::of),
                new FlowLogs(), new DbSubnetGroups(), new CacheSubnetGroups()));
    }

    /** The spec's availability zones must be offered to this account: checked before anything is created. */
    @Override
    public void preflight(LayerContext ctx) {
        Set<String> offered = new TreeSet<>();
        ctx.aws().ec2().describeAvailabilityZones(r -> r.allAvailabilityZones(false)).availabilityZones().stream()
                .map(AvailabilityZone::zoneName).forEach(offered::add);
        List<SpecError> errors = new ArrayList<>();
        List<String> wanted = ctx.spec().vpc().availabilityZones();
        for (int i = 0; i < wanted.size(); i++) {
            if (!offered.contains(wanted.get(i))) {
                errors.add(new SpecError("environment " + ctx.environment(), "vpc.availabilityZones[" + i + "]", wanted.get(i),
                        "is not an availability zone this account can use in " + ctx.aws().region().id() + " (available: "
                                + String.join(", ", offered) + ")"));
            }
        }
        if (!errors.isEmpty()) throw new SpecException(errors);
    }

    /** Rules name the spec's security groups as {@code sg:<key>} ({@link SecurityGroupRules}), besides refs. */
    @Override
    public List<String> referenceForms(String logicalId) {
        String groupPrefix = VpcIds.securityGroup("");
        if (!logicalId.startsWith(groupPrefix)) return super.referenceForms(logicalId);
        return List.of(DesiredResource.ref(logicalId), SecurityGroupRules.GROUP_PREFIX + logicalId.substring(groupPrefix.length()));
    }

    /** NAT gateways take minutes to become available; everything else is usable once created. */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return Readiness.waiting(NatGateways.pending(ctx));
    }
}
