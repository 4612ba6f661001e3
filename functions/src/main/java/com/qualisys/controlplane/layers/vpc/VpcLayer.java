package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecError;
import com.qualisys.controlplane.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;

/**
 * The seed's network: VPC, subnets, internet gateway, NAT gateways with their Elastic IPs, route
 * tables, security groups, network ACLs, flow logs (log group, delivery role, flow log) and the RDS
 * and ElastiCache subnet groups.
 *
 * <p>Observe costs one paginated describe per resource type (EC2 ones filtered by the
 * {@code qualisys:environment} tag; the log group, role and subnet groups by their fixed names),
 * plus the calls AWS offers no batch form for: two DescribeVpcAttribute per VPC (DNS settings) and
 * one GetRolePolicy (the role's inline policy).
 */
public final class VpcLayer implements Layer {
    private final List<ManagedKind<?>> kinds = List.of(
            new Vpcs(), new Subnets(), new InternetGateways(), new ElasticIps(), new NatGateways(), new RouteTables(),
            new SecurityGroups(), new NetworkAcls(), new FlowLogGroups(), new FlowLogRoles(), new FlowLogs(),
            new DbSubnetGroups(), new CacheSubnetGroups());
    private final Map<String, ManagedKind<?>> byKind = new LinkedHashMap<>();

    public VpcLayer() {
        kinds.forEach(k -> byKind.put(k.kind().name(), k));
    }

    @Override
    public String name() {
        return VpcIds.LAYER;
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return VpcDesiredState.of(spec);
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return kinds.stream().map(ManagedKind::decisions).toList();
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

    /**
     * Lists every kind, then looks for the desired resources that were not found by their tags
     * among the untagged ones (their qualisys:* tags removed out of band), kind by kind in
     * dependency order so a subnet can be found in a VPC found before it.
     */
    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        List<Listed<?>> listed = kinds.stream().<Listed<?>>map(k -> Listed.of(k, ctx)).toList();
        listed.forEach(l -> l.register(ctx));
        List<DesiredResource> missing = desired(ctx.spec()).stream()
                .filter(d -> ctx.index().known(d.logicalId()).isEmpty()).toList();
        for (Listed<?> l : listed) {
            for (DesiredResource want : missing) {
                if (want.kind().name().equals(l.kind().kind().name())) l.findUntagged(want, ctx);
            }
        }
        List<ObservedResource> out = new ArrayList<>();
        listed.forEach(l -> l.observed(ctx, out));
        return out;
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        ManagedKind<?> kind = byKind.get(change.kind());
        if (kind == null) throw new IllegalArgumentException("layer vpc has no resource kind '" + change.kind() + "'");
        if (observed != null && observed.identityLost()) Ec2Tags.restoreIdentity(ctx, observed.physicalId(), observed.logicalId());
        switch (change.action()) {
            case CREATE -> kind.create(desired, ctx);
            case UPDATE -> kind.update(desired, observed, ctx);
            case DELETE -> kind.delete(change.physicalId(), observed, ctx);
            case REPLACE -> throw new IllegalArgumentException("a replace is applied as a delete and a create");
        }
    }

    /** Rules name the spec's security groups as {@code sg:<key>} ({@link SecurityGroupRules}), besides refs. */
    @Override
    public List<String> referenceForms(String logicalId) {
        String groupPrefix = VpcIds.securityGroup("");
        if (!logicalId.startsWith(groupPrefix)) return Layer.super.referenceForms(logicalId);
        return List.of(DesiredResource.ref(logicalId), SecurityGroupRules.GROUP_PREFIX + logicalId.substring(groupPrefix.length()));
    }

    /** NAT gateways take minutes to become available; everything else is usable once created. */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return Readiness.waiting(NatGateways.pending(ctx));
    }

    /** The live instances of one kind with their ids, kept until every kind is listed. */
    private record Listed<T>(ManagedKind<T> kind, List<T> items, List<String> logicalIds, Set<String> untagged) {
        static <T> Listed<T> of(ManagedKind<T> kind, LayerContext ctx) {
            List<T> items = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (T item : kind.list(ctx)) {
                String logicalId = kind.logicalId(item, ctx);
                if (logicalId == null) continue;
                items.add(item);
                ids.add(logicalId);
            }
            return new Listed<>(kind, items, ids, new java.util.HashSet<>());
        }

        /** Adds the instance that lost its identity tags, when the kind can find it, and registers it. */
        void findUntagged(DesiredResource want, LayerContext ctx) {
            kind.findUntagged(want, ctx).ifPresent(item -> {
                items.add(item);
                logicalIds.add(want.logicalId());
                untagged.add(want.logicalId());
                ctx.index().put(want.logicalId(), kind.physicalId(item));
            });
        }

        void register(LayerContext ctx) {
            for (int i = 0; i < items.size(); i++) ctx.index().put(logicalIds.get(i), kind.physicalId(items.get(i)));
        }

        void observed(LayerContext ctx, List<ObservedResource> out) {
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                out.add(new ObservedResource(logicalIds.get(i), kind.kind().name(), kind.physicalId(item), kind.attributes(item, ctx),
                        untagged.contains(logicalIds.get(i))));
            }
        }
    }
}
