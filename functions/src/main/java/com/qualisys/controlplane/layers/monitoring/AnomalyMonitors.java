package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.AnomalyMonitor;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalyMonitorsResponse;
import software.amazon.awssdk.services.costexplorer.model.MonitorDimension;
import software.amazon.awssdk.services.costexplorer.model.MonitorType;
import software.amazon.awssdk.services.costexplorer.model.ResourceTag;

/**
 * The Cost Anomaly Detection monitor. Anomaly monitors have no unique name and the API takes no
 * client token: they are found by name (one paginated GetAnomalyMonitors). A create whose response
 * was lost could leave two with one name; both are listed under the same logical id, oldest first,
 * the engine keeps the first and deletes the others, so the account converges to exactly one. Its
 * type and dimension cannot change: a change replaces it.
 */
final class AnomalyMonitors implements ManagedKind<AnomalyMonitor> {

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.ANOMALY_MONITOR;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.anomalyMonitor();
    }

    @Override
    public List<AnomalyMonitor> list(LayerContext ctx) {
        CostExplorerClient ce = ctx.aws().costExplorer();
        String name = ctx.spec().monitoring().anomalyDetection().monitorName();
        List<AnomalyMonitor> monitors = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetAnomalyMonitorsResponse page = ce.getAnomalyMonitors(r -> r.nextPageToken(next));
            monitors.addAll(page.anomalyMonitors());
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        return monitors.stream().filter(m -> name.equals(m.monitorName()))
                .sorted(Comparator.comparing(m -> m.creationDate() == null ? "" : m.creationDate())).toList();
    }

    @Override
    public String logicalId(AnomalyMonitor m, LayerContext ctx) {
        return MonitoringDesired.monitorId(m.monitorName());
    }

    @Override
    public String physicalId(AnomalyMonitor m) {
        return m.monitorArn();
    }

    @Override
    public Map<String, Object> attributes(AnomalyMonitor m, LayerContext ctx) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("monitorType", m.monitorTypeAsString());
        attrs.put("monitorDimension", m.monitorDimensionAsString());
        return attrs;
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        String arn = ctx.aws().costExplorer().createAnomalyMonitor(r -> r.anomalyMonitor(m -> m
                        .monitorName(MonitoringDesired.nameOf(desired.logicalId()))
                        .monitorType(MonitorType.fromValue(desired.string("monitorType")))
                        .monitorDimension(MonitorDimension.fromValue(desired.string("monitorDimension"))))
                .resourceTags(tags(ctx, desired.logicalId()))).monitorArn();
        ctx.index().put(desired.logicalId(), arn);
    }

    @Override
    public void update(DesiredResource desired, ObservedResource live, LayerContext ctx) {
        throw new IllegalStateException("an anomaly monitor's type is fixed; the engine replaces it: " + desired.logicalId());
    }

    @Override
    public void delete(String arn, ObservedResource live, LayerContext ctx) {
        ctx.aws().costExplorer().deleteAnomalyMonitor(r -> r.monitorArn(arn));
    }

    static List<ResourceTag> tags(LayerContext ctx, String logicalId) {
        return Tags.identity(ctx.environment(), logicalId, null).entrySet().stream()
                .map(e -> ResourceTag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
