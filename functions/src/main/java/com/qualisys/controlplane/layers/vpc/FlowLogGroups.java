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
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/**
 * The flow logs' CloudWatch Logs group. DescribeLogGroups cannot filter by tag (reading a group's
 * tags is one more call per group), so the group is identified by its fixed name from the spec:
 * names are unique per account and region, and one environment is one account. It is tagged at
 * creation all the same. Physical id: the group's name (what CreateFlowLogs takes).
 */
final class FlowLogGroups implements ManagedKind<LogGroup> {

    @Override
    public ResourceKind kind() {
        return LOG_GROUP_KIND;
    }

    @Override
    public List<LogGroup> list(LayerContext ctx) {
        String name = ctx.spec().vpc().flowLogs().logGroup();
        return ctx.aws().logs().describeLogGroupsPaginator(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(g -> g.logGroupName().equals(name)).toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeLogGroups", LogGroup.class)
                .compare("logGroupName", NAME)
                .compare("retentionInDays", RETENTION_DAYS)
                .ignore(Ignored.IDENTITY, "arn", "logGroupArn")
                .ignore(Ignored.READ_ONLY, "creationTime", "metricFilterCount", "storedBytes", "inheritedProperties")
                .ignore("the spec sets no key; a key someone adds only narrows who can read the records", "kmsKeyId")
                .ignore("a data-protection policy only masks data in the records", "dataProtectionStatus")
                .ignore(Ignored.FIXED_AT_CREATION + " (the log class)", "logGroupClass")
                .ignore("deletion protection only protects; off by default and not in the spec", "deletionProtectionEnabled")
                .build();
    }

    @Override
    public String logicalId(LogGroup live, LayerContext ctx) {
        return VpcIds.FLOW_LOG_GROUP;
    }

    @Override
    public String physicalId(LogGroup live) {
        return live.logGroupName();
    }

    @Override
    public Map<String, Object> attributes(LogGroup live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, live.logGroupName());
        a.put(RETENTION_DAYS, live.retentionInDays());
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String name = want.string(NAME);
        ctx.aws().logs().createLogGroup(r -> r.logGroupName(name).tags(ctx.tags(want.logicalId(), null)));
        ctx.index().put(want.logicalId(), name);
        setRetention(ctx, name, want);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        if (ManagedKind.differs(want, live, RETENTION_DAYS)) setRetention(ctx, live.physicalId(), want);
    }

    private static void setRetention(LayerContext ctx, String name, DesiredResource want) {
        Object days = want.attribute(RETENTION_DAYS);
        if (days == null) {
            ctx.aws().logs().deleteRetentionPolicy(r -> r.logGroupName(name));
        } else {
            ctx.aws().logs().putRetentionPolicy(r -> r.logGroupName(name).retentionInDays(((Number) days).intValue()));
        }
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().logs().deleteLogGroup(r -> r.logGroupName(physicalId));
    }
}
