package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Tag;

/**
 * The budget alert topic, its e-mail subscription and the hub's budget function subscribed to it.
 * Identified by name (CreateTopic with an existing name returns that topic, so a retried create never
 * makes a second one); tagged at creation. Owned: the e-mail subscriptions, and the Lambda
 * subscriptions of the control plane's functions ({@code qualisys-*} functions in the hub account);
 * other subscriptions are someone else's and never drift.
 *
 * <p>An e-mail subscription stays "PendingConfirmation" until the recipient clicks the link. It
 * counts as present: subscribing again would only send another confirmation e-mail.
 */
final class AlertTopic implements ManagedKind<String> {
    static final String POLICY = "policy";
    /** A key budgets cannot use silences the alerts, so the topic must have none (SSE is not asked for). */
    static final String KMS_KEY = "kmsMasterKeyId";
    private static final Set<String> EMAIL = Set.of("email", "email-json");

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.TOPIC;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.topic();
    }

    /** The spec's topic, found by name among the account's topics (ARN). */
    @Override
    public List<String> list(LayerContext ctx) {
        String name = ctx.spec().monitoring().alertTopic();
        return ctx.aws().sns().listTopicsPaginator().topics().stream().map(t -> t.topicArn())
                .filter(a -> a.endsWith(":" + name)).findFirst().stream().toList();
    }

    @Override
    public String logicalId(String arn, LayerContext ctx) {
        return MonitoringDesired.topicId(arn.substring(arn.lastIndexOf(':') + 1));
    }

    @Override
    public String physicalId(String arn) {
        return arn;
    }

    @Override
    public Map<String, Object> attributes(String arn, LayerContext ctx) {
        SnsClient sns = ctx.aws().sns();
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        Map<String, Object> attrs = new LinkedHashMap<>();
        Map<String, String> topicAttributes = sns.getTopicAttributes(r -> r.topicArn(arn)).attributes();
        String policy = topicAttributes.get("Policy");
        attrs.put(KMS_KEY, MonitoringDesired.noneIfBlank(topicAttributes.get("KmsMasterKeyId")));
        attrs.put(POLICY, policy == null ? null : PolicyDocument.observed(policy, ctx.aws().accountId(),
                PolicyDocument.canonical(AccessPolicies.alertTopic(ctx.spec().aws().region(), name))));
        attrs.put("emailSubscriptions", emailSubscriptions(ctx, arn).stream().map(Subscription::endpoint).distinct().sorted().toList());
        attrs.put("controlPlaneSubscriptions", controlPlaneSubscriptions(ctx, arn).stream().map(Subscription::endpoint).distinct()
                .sorted().toList());
        Map<String, String> tags = new LinkedHashMap<>();
        sns.listTagsForResource(r -> r.resourceArn(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
        attrs.put("tags", tags);
        return attrs;
    }

    @Override
    public void delete(String arn, ObservedResource live, LayerContext ctx) {
        ctx.aws().sns().deleteTopic(r -> r.topicArn(arn));
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        SnsClient sns = ctx.aws().sns();
        String name = MonitoringDesired.nameOf(desired.logicalId());
        String arn = sns.createTopic(r -> r.name(name).tags(tags(desired))
                .attributes(Map.of("Policy", policy(ctx, name)))).topicArn();
        ctx.index().put(desired.logicalId(), arn);
        for (String email : desired.strings("emailSubscriptions")) subscribe(sns, arn, email);
        for (String function : desired.strings("controlPlaneSubscriptions")) subscribeFunction(sns, arn, function);
    }

    @Override
    public void update(DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        SnsClient sns = ctx.aws().sns();
        String arn = observed.physicalId();
        Set<String> differing = ManagedKind.differing(desired, observed);
        if (differing.contains("policy")) {
            String name = arn.substring(arn.lastIndexOf(':') + 1);
            sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("Policy").attributeValue(policy(ctx, name)));
        }
        if (differing.contains(KMS_KEY)) {
            sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("KmsMasterKeyId").attributeValue(""));
        }
        if (differing.contains("emailSubscriptions")) {
            List<String> wanted = desired.strings("emailSubscriptions");
            List<Subscription> live = emailSubscriptions(ctx, arn);
            for (String email : wanted) {
                if (live.stream().noneMatch(s -> s.endpoint().equals(email))) subscribe(sns, arn, email);
            }
            for (Subscription s : live) {
                // A pending subscription has no ARN yet and cannot be removed; AWS drops it after three days.
                if (!wanted.contains(s.endpoint()) && s.subscriptionArn().startsWith("arn:")) {
                    sns.unsubscribe(r -> r.subscriptionArn(s.subscriptionArn()));
                }
            }
        }
        if (differing.contains("controlPlaneSubscriptions")) {
            List<String> wanted = desired.strings("controlPlaneSubscriptions");
            List<Subscription> live = controlPlaneSubscriptions(ctx, arn);
            for (String function : wanted) {
                if (live.stream().noneMatch(s -> s.endpoint().equals(function))) subscribeFunction(sns, arn, function);
            }
            for (Subscription s : live) {
                if (!wanted.contains(s.endpoint())) sns.unsubscribe(r -> r.subscriptionArn(s.subscriptionArn()));
            }
        }
        if (differing.contains("tags")) sns.tagResource(r -> r.resourceArn(arn).tags(tags(desired)));
    }

    private static void subscribe(SnsClient sns, String arn, String email) {
        sns.subscribe(r -> r.topicArn(arn).protocol("email").endpoint(email));
    }

    /** A Lambda subscription is confirmed at once; subscribing an endpoint again returns the same subscription. */
    private static void subscribeFunction(SnsClient sns, String arn, String functionArn) {
        sns.subscribe(r -> r.topicArn(arn).protocol("lambda").endpoint(functionArn));
    }

    /** The control plane's own functions among the topic's Lambda subscriptions (in the spec's hub account). */
    private static List<Subscription> controlPlaneSubscriptions(LayerContext ctx, String arn) {
        String hub = ctx.spec().aws().hubAccountId();
        if (hub == null) return List.of();
        String prefix = "arn:aws:lambda:" + ctx.spec().aws().region() + ":" + hub + ":function:qualisys-";
        return ctx.aws().sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(arn)).subscriptions().stream()
                .filter(s -> "lambda".equals(s.protocol()) && s.endpoint().startsWith(prefix)).toList();
    }

    private static List<Subscription> emailSubscriptions(LayerContext ctx, String arn) {
        return ctx.aws().sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(arn)).subscriptions().stream()
                .filter(s -> EMAIL.contains(s.protocol())).toList();
    }

    private static String policy(LayerContext ctx, String name) {
        return PolicyDocument.render(AccessPolicies.alertTopic(ctx.spec().aws().region(), name), ctx.aws().accountId());
    }

    private static List<Tag> tags(DesiredResource desired) {
        return desired.stringMap("tags").entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
