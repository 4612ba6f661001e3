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
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsResponse;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TrafficType;

/** The VPC flow log. AWS cannot modify a flow log: every attribute is replaceOn, so there is no update. */
final class FlowLogs implements ManagedKind<FlowLog> {

    @Override
    public ResourceKind kind() {
        return FLOW_LOG;
    }

    @Override
    public List<FlowLog> list(LayerContext ctx) {
        return ctx.aws().ec2().describeFlowLogsPaginator(r -> r.filter(Ec2Tags.environmentFilter(ctx))).flowLogs().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeFlowLogs", FlowLog.class)
                .compare("ResourceId", RESOURCE)
                .compare("TrafficType", TRAFFIC_TYPE)
                .compare("LogDestinationType", DESTINATION_TYPE)
                .compare("LogGroupName", LOG_GROUP)
                .compare("DeliverLogsPermissionArn", DELIVERY_ROLE)
                .compare("MaxAggregationInterval", MAX_AGGREGATION_SECONDS)
                .ignore(Ignored.IDENTITY, "FlowLogId")
                .ignore(Ignored.READ_ONLY, "CreationTime")
                .ignore(Ignored.STATUS, "DeliverLogsErrorMessage", "DeliverLogsStatus", "FlowLogStatus")
                .ignore(Ignored.sameAs("LogGroupName") + " (its ARN)", "LogDestination")
                .ignore("a flow log cannot be modified: AWS's default, " + Ignored.FIXED_AT_CREATION,
                        "LogFormat", "DeliverCrossAccountRole", "DestinationOptions")
                .ignore("only the identity tags, which find it; a flow log has no other tag of the spec", "Tags")
                .build();
    }

    /** Found by the resource it logs (the VPC) and its log group: one flow log per pair. */
    @Override
    public Optional<FlowLog> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> resource = Ec2Tags.known(ctx, want.string(RESOURCE));
        if (resource.isEmpty()) return Optional.empty();
        String logGroup = Ec2Tags.known(ctx, want.string(LOG_GROUP)).orElse(want.string(LOG_GROUP));
        return Ec2Tags.untagged(ctx.aws().ec2().describeFlowLogs(r -> r.filter(Ec2Tags.filter("resource-id", resource.get()),
                Ec2Tags.filter("log-group-name", logGroup))).flowLogs(), FlowLog::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(FlowLog live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(FlowLog live) {
        return live.flowLogId();
    }

    @Override
    public Map<String, Object> attributes(FlowLog live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(RESOURCE, ctx.index().refOrRaw(live.resourceId()));
        a.put(TRAFFIC_TYPE, live.trafficTypeAsString());
        a.put(DESTINATION_TYPE, live.logDestinationTypeAsString());
        a.put(LOG_GROUP, ctx.index().refOrRaw(live.logGroupName()));
        a.put(DELIVERY_ROLE, ctx.index().refOrRaw(live.deliverLogsPermissionArn()));
        a.put(MAX_AGGREGATION_SECONDS, live.maxAggregationInterval());
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        CreateFlowLogsResponse created = ctx.aws().ec2().createFlowLogs(r -> r
                .resourceIds(ctx.resolve(want.attribute(RESOURCE)))
                .resourceType(FlowLogsResourceType.VPC)
                .trafficType(TrafficType.fromValue(want.string(TRAFFIC_TYPE)))
                .logDestinationType(LogDestinationType.fromValue(want.string(DESTINATION_TYPE)))
                .logGroupName(ctx.resolve(want.attribute(LOG_GROUP)))
                .deliverLogsPermissionArn(ctx.resolve(want.attribute(DELIVERY_ROLE)))
                .maxAggregationInterval(((Number) want.attribute(MAX_AGGREGATION_SECONDS)).intValue())
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.VPC_FLOW_LOG, ctx, want)));
        if (!created.unsuccessful().isEmpty()) {
            throw new IllegalStateException("AWS refused the flow log " + want.logicalId() + ": " + created.unsuccessful().stream()
                    .map(u -> u.error().code() + " " + u.error().message()).collect(Collectors.joining("; ")));
        }
        ctx.index().put(want.logicalId(), created.flowLogIds().getFirst());
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        // Nothing of a flow log changes in place; an update only follows its identity tags being put back.
        if (want.attributes().keySet().stream().anyMatch(a -> ManagedKind.differs(want, live, a))) {
            throw new IllegalStateException("a flow log cannot be modified; " + want.logicalId() + " must be replaced");
        }
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteFlowLogs(r -> r.flowLogIds(physicalId));
    }
}
