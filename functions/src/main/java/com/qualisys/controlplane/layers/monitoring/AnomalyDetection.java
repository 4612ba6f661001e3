package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Tags;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.AnomalyMonitor;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalyMonitorsResponse;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalySubscriptionsResponse;
import software.amazon.awssdk.services.costexplorer.model.MonitorDimension;
import software.amazon.awssdk.services.costexplorer.model.MonitorType;
import software.amazon.awssdk.services.costexplorer.model.ResourceTag;
import software.amazon.awssdk.services.costexplorer.model.Subscriber;
import software.amazon.awssdk.services.costexplorer.model.SubscriberType;

/**
 * The Cost Anomaly Detection monitor and its two subscriptions.
 *
 * <p>Anomaly monitors and subscriptions have no unique name and the API takes no client token:
 * they are found by name (one paginated Get call each). A create whose response was lost could
 * leave two with one name; both are observed under the same logical id, the engine keeps the
 * oldest and deletes the others, so the account converges to exactly one of each.
 */
final class AnomalyDetection {
    private final LayerContext ctx;
    private final CostExplorerClient ce;

    AnomalyDetection(LayerContext ctx) {
        this.ctx = ctx;
        this.ce = ctx.aws().costExplorer();
    }

    List<ObservedResource> observeMonitors(Set<String> names) {
        List<AnomalyMonitor> monitors = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetAnomalyMonitorsResponse page = ce.getAnomalyMonitors(r -> r.nextPageToken(next));
            monitors.addAll(page.anomalyMonitors());
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        List<ObservedResource> out = new ArrayList<>();
        monitors.stream().filter(m -> names.contains(m.monitorName()))
                .sorted(Comparator.comparing(m -> m.creationDate() == null ? "" : m.creationDate()))
                .forEach(m -> {
                    String id = MonitoringDesired.monitorId(m.monitorName());
                    ctx.index().put(id, m.monitorArn());
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    attrs.put("monitorType", m.monitorTypeAsString());
                    attrs.put("monitorDimension", m.monitorDimensionAsString());
                    out.add(new ObservedResource(id, MonitoringDesired.ANOMALY_MONITOR.name(), m.monitorArn(), attrs));
                });
        return out;
    }

    List<ObservedResource> observeSubscriptions(Set<String> names) {
        List<AnomalySubscription> subscriptions = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetAnomalySubscriptionsResponse page = ce.getAnomalySubscriptions(r -> r.nextPageToken(next));
            subscriptions.addAll(page.anomalySubscriptions());
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        List<ObservedResource> out = new ArrayList<>();
        for (AnomalySubscription s : subscriptions) {
            if (!names.contains(s.subscriptionName())) continue;
            String id = MonitoringDesired.subscriptionId(s.subscriptionName());
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("frequency", s.frequencyAsString());
            attrs.put("monitors", s.monitorArnList().stream().map(a -> ctx.index().refOrRaw(a)).sorted().toList());
            attrs.put("subscribers", s.subscribers().stream()
                    .map(sub -> sub.typeAsString() + ":" + ctx.index().refOrRaw(sub.address())).sorted().toList());
            attrs.put("threshold", AnomalyThreshold.describe(s));
            out.add(new ObservedResource(id, MonitoringDesired.ANOMALY_SUBSCRIPTION.name(), s.subscriptionArn(), attrs));
        }
        return out;
    }

    void applyMonitor(Change change, DesiredResource desired) {
        switch (change.action()) {
            case CREATE -> {
                String arn = ce.createAnomalyMonitor(r -> r.anomalyMonitor(m -> m.monitorName(MonitoringDesired.nameOf(change.logicalId()))
                                .monitorType(MonitorType.fromValue(desired.string("monitorType")))
                                .monitorDimension(MonitorDimension.fromValue(desired.string("monitorDimension"))))
                        .resourceTags(tags(change.logicalId()))).monitorArn();
                ctx.index().put(change.logicalId(), arn);
            }
            case DELETE -> ce.deleteAnomalyMonitor(r -> r.monitorArn(change.physicalId()));
            case UPDATE, REPLACE -> throw new IllegalStateException("an anomaly monitor's type is fixed; the engine replaces it: " + change.logicalId());
        }
    }

    void applySubscription(Change change, DesiredResource desired) {
        switch (change.action()) {
            case CREATE -> {
                String arn = ce.createAnomalySubscription(r -> r.anomalySubscription(s -> s
                                .subscriptionName(MonitoringDesired.nameOf(change.logicalId()))
                                .frequency(desired.string("frequency"))
                                .monitorArnList(resolved(desired.strings("monitors")))
                                .subscribers(subscribers(desired))
                                .thresholdExpression(AnomalyThreshold.expression(threshold(desired))))
                        .resourceTags(tags(change.logicalId()))).subscriptionArn();
                ctx.index().put(change.logicalId(), arn);
            }
            // Every owned field is sent: one call repairs whichever drifted.
            case UPDATE -> ce.updateAnomalySubscription(r -> r.subscriptionArn(change.physicalId())
                    .frequency(desired.string("frequency"))
                    .monitorArnList(resolved(desired.strings("monitors")))
                    .subscribers(subscribers(desired))
                    .thresholdExpression(AnomalyThreshold.expression(threshold(desired))));
            case DELETE -> ce.deleteAnomalySubscription(r -> r.subscriptionArn(change.physicalId()));
            case REPLACE -> throw new IllegalStateException("anomaly subscriptions are updated in place: " + change.logicalId());
        }
    }

    private BigDecimal threshold(DesiredResource desired) {
        String text = desired.string("threshold");
        return new BigDecimal(text.substring(text.indexOf(">=") + 2).trim());
    }

    private List<Subscriber> subscribers(DesiredResource desired) {
        return desired.strings("subscribers").stream().map(s -> {
            int colon = s.indexOf(':');
            return Subscriber.builder().type(SubscriberType.fromValue(s.substring(0, colon)))
                    .address(ctx.resolve(s.substring(colon + 1))).build();
        }).toList();
    }

    private List<String> resolved(List<String> refs) {
        return refs.stream().map(ctx::resolve).toList();
    }

    private List<ResourceTag> tags(String logicalId) {
        return Tags.identity(ctx.environment(), logicalId, null).entrySet().stream()
                .map(e -> ResourceTag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
