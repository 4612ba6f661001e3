package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalySubscriptionsResponse;
import software.amazon.awssdk.services.costexplorer.model.Subscriber;
import software.amazon.awssdk.services.costexplorer.model.SubscriberType;

/**
 * The two Cost Anomaly Detection subscriptions (the IMMEDIATE one to the alert topic and the DAILY
 * e-mail digest). Found by name like the monitor (no unique name, no client token: duplicates from
 * a lost create response converge to one); updated in place with every owned field in one call.
 */
final class AnomalySubscriptions implements ManagedKind<AnomalySubscription> {

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.ANOMALY_SUBSCRIPTION;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.anomalySubscription();
    }

    @Override
    public List<AnomalySubscription> list(LayerContext ctx) {
        CostExplorerClient ce = ctx.aws().costExplorer();
        var spec = ctx.spec().monitoring().anomalyDetection();
        Set<String> names = Set.of(spec.subscriptionName(), spec.digestSubscriptionName());
        List<AnomalySubscription> subscriptions = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetAnomalySubscriptionsResponse page = ce.getAnomalySubscriptions(r -> r.nextPageToken(next));
            subscriptions.addAll(page.anomalySubscriptions());
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        return subscriptions.stream().filter(s -> names.contains(s.subscriptionName())).toList();
    }

    @Override
    public String logicalId(AnomalySubscription s, LayerContext ctx) {
        return MonitoringDesired.subscriptionId(s.subscriptionName());
    }

    @Override
    public String physicalId(AnomalySubscription s) {
        return s.subscriptionArn();
    }

    @Override
    public Map<String, Object> attributes(AnomalySubscription s, LayerContext ctx) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("frequency", s.frequencyAsString());
        attrs.put("monitors", s.monitorArnList().stream().map(a -> ctx.index().refOrRaw(a)).sorted().toList());
        attrs.put("subscribers", s.subscribers().stream()
                .map(sub -> sub.typeAsString() + ":" + ctx.index().refOrRaw(sub.address())).sorted().toList());
        attrs.put("threshold", AnomalyThreshold.describe(s));
        return attrs;
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        String arn = ctx.aws().costExplorer().createAnomalySubscription(r -> r.anomalySubscription(s -> s
                        .subscriptionName(MonitoringDesired.nameOf(desired.logicalId()))
                        .frequency(desired.string("frequency"))
                        .monitorArnList(resolved(ctx, desired.strings("monitors")))
                        .subscribers(subscribers(ctx, desired))
                        .thresholdExpression(AnomalyThreshold.expression(threshold(desired))))
                .resourceTags(AnomalyMonitors.tags(ctx, desired.logicalId()))).subscriptionArn();
        ctx.index().put(desired.logicalId(), arn);
    }

    /** Every owned field is sent: one call repairs whichever drifted. */
    @Override
    public void update(DesiredResource desired, ObservedResource live, LayerContext ctx) {
        ctx.aws().costExplorer().updateAnomalySubscription(r -> r.subscriptionArn(live.physicalId())
                .frequency(desired.string("frequency"))
                .monitorArnList(resolved(ctx, desired.strings("monitors")))
                .subscribers(subscribers(ctx, desired))
                .thresholdExpression(AnomalyThreshold.expression(threshold(desired))));
    }

    @Override
    public void delete(String arn, ObservedResource live, LayerContext ctx) {
        ctx.aws().costExplorer().deleteAnomalySubscription(r -> r.subscriptionArn(arn));
    }

    private static BigDecimal threshold(DesiredResource desired) {
        String text = desired.string("threshold");
        return new BigDecimal(text.substring(text.indexOf(">=") + 2).trim());
    }

    private static List<Subscriber> subscribers(LayerContext ctx, DesiredResource desired) {
        return desired.strings("subscribers").stream().map(s -> {
            int colon = s.indexOf(':');
            return Subscriber.builder().type(SubscriberType.fromValue(s.substring(0, colon)))
                    .address(ctx.resolve(s.substring(colon + 1))).build();
        }).toList();
    }

    private static List<String> resolved(LayerContext ctx, List<String> refs) {
        return refs.stream().map(ctx::resolve).toList();
    }
}
