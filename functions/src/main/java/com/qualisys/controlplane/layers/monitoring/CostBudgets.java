package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.budgets.BudgetsClient;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.BudgetType;
import software.amazon.awssdk.services.budgets.model.CostTypes;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.NotificationWithSubscribers;
import software.amazon.awssdk.services.budgets.model.ResourceTag;
import software.amazon.awssdk.services.budgets.model.TimeUnit;

/**
 * The seed's monthly cost budgets with their notifications. Budget names are unique in an
 * account (CreateBudget refuses a taken name), so a budget is identified by its name; a budget is
 * created together with its notifications and subscribers in one call, so a crash cannot leave a
 * budget half made. Budgets the spec does not name are never touched.
 *
 * <p>Observe: one paginated DescribeBudgets, then per budget DescribeNotificationsForBudget and
 * per notification DescribeSubscribersForNotification (AWS has no bulk call that returns
 * subscribers).
 */
final class CostBudgets implements ManagedKind<Budget> {
    /**
     * What narrows the spend a budget counts, one entry per setting (a filter, a cost type off its
     * default, planned or auto-adjusted limits, an end before AWS's default); the seed's budgets
     * count all spend, so the desired scope is empty.
     */
    static final String SCOPE = "scope";
    /** AWS's default end of a budget's period (2087-06-15), when CreateBudget gives none. */
    private static final Instant DEFAULT_END = Instant.parse("2087-06-15T00:00:00Z");

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.BUDGET;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.budget();
    }

    /** The spec's budgets among the account's (by name). */
    @Override
    public List<Budget> list(LayerContext ctx) {
        Set<String> names = new HashSet<>();
        ctx.spec().monitoring().budgets().forEach(b -> names.add(b.name()));
        return ctx.aws().budgets().describeBudgetsPaginator(r -> r.accountId(ctx.aws().accountId())).budgets().stream()
                .filter(b -> names.contains(b.budgetName())).toList();
    }

    @Override
    public String logicalId(Budget b, LayerContext ctx) {
        return MonitoringDesired.budgetId(b.budgetName());
    }

    @Override
    public String physicalId(Budget b) {
        return b.budgetName();
    }

    @Override
    public Map<String, Object> attributes(Budget b, LayerContext ctx) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("limitUsd", b.budgetLimit() == null ? null : b.budgetLimit().amount());
        attrs.put("timeUnit", b.timeUnitAsString());
        attrs.put("budgetType", b.budgetTypeAsString());
        attrs.put(SCOPE, scope(b));
        attrs.put("notifications", notifications(ctx, b.budgetName()));
        return attrs;
    }

    private static List<Map<String, Object>> notifications(LayerContext ctx, String budget) {
        BudgetsClient budgets = ctx.aws().budgets();
        String account = ctx.aws().accountId();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Notification n : budgets.describeNotificationsForBudgetPaginator(r -> r.accountId(account).budgetName(budget)).notifications()) {
            List<String> subscribers = budgets.describeSubscribersForNotificationPaginator(r -> r.accountId(account)
                            .budgetName(budget).notification(n)).subscribers().stream()
                    .map(BudgetNotifications::subscriber).map(s -> refOrRaw(ctx, s)).toList();
            out.add(BudgetNotifications.observed(n, subscribers));
        }
        return BudgetNotifications.sorted(out);
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        String account = ctx.aws().accountId();
        String name = MonitoringDesired.nameOf(desired.logicalId());
        ctx.aws().budgets().createBudget(r -> r.accountId(account).budget(budget(name, desired))
                .notificationsWithSubscribers(notifications(desired).stream().map(n -> NotificationWithSubscribers.builder()
                        .notification(BudgetNotifications.toSdk(n)).subscribers(subscribers(ctx, n)).build()).toList())
                .resourceTags(Tags.identity(ctx.environment(), desired.logicalId(), null).entrySet().stream()
                        .map(e -> ResourceTag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
        ctx.index().put(desired.logicalId(), name);
    }

    @Override
    public void delete(String name, ObservedResource live, LayerContext ctx) {
        ctx.aws().budgets().deleteBudget(r -> r.accountId(ctx.aws().accountId()).budgetName(name));
    }

    @Override
    public void update(DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        BudgetsClient budgets = ctx.aws().budgets();
        String account = ctx.aws().accountId();
        String name = observed.physicalId();
        Set<String> differing = ManagedKind.differing(desired, observed);
        // UpdateBudget replaces the whole budget: what the desired budget does not set goes back to AWS's default.
        if (differing.contains("limitUsd") || differing.contains("timeUnit") || differing.contains("budgetType")
                || differing.contains(SCOPE)) {
            budgets.updateBudget(r -> r.accountId(account).newBudget(budget(name, desired)));
        }
        if (!differing.contains("notifications")) return;
        Map<String, Map<String, Object>> want = byKey(notifications(desired));
        Map<String, Map<String, Object>> have = byKey(observedNotifications(observed));
        for (var w : want.entrySet()) {
            Map<String, Object> live = have.get(w.getKey());
            Notification n = BudgetNotifications.toSdk(w.getValue());
            if (live == null) {
                budgets.createNotification(r -> r.accountId(account).budgetName(name).notification(n).subscribers(subscribers(ctx, w.getValue())));
                continue;
            }
            for (SubscriberSteps.Step step : SubscriberSteps.plan(resolved(ctx, live), resolved(ctx, w.getValue()))) {
                var subscriber = BudgetNotifications.subscriber(step.subscriber());
                if (step.add()) {
                    budgets.createSubscriber(r -> r.accountId(account).budgetName(name).notification(n).subscriber(subscriber));
                } else {
                    budgets.deleteSubscriber(r -> r.accountId(account).budgetName(name).notification(n).subscriber(subscriber));
                }
            }
        }
        for (var h : have.entrySet()) {
            if (!want.containsKey(h.getKey())) {
                budgets.deleteNotification(r -> r.accountId(account).budgetName(name).notification(BudgetNotifications.toSdk(h.getValue())));
            }
        }
    }

    static List<String> scope(Budget b) {
        List<String> out = new ArrayList<>();
        b.costFilters().forEach((k, v) -> out.add("CostFilters." + k + "=" + String.join(",", v)));
        if (b.filterExpression() != null) out.add("FilterExpression=" + b.filterExpression());
        CostTypes t = b.costTypes();
        if (t != null) {
            offDefault(out, "IncludeTax", t.includeTax(), true);
            offDefault(out, "IncludeSubscription", t.includeSubscription(), true);
            offDefault(out, "UseBlended", t.useBlended(), false);
            offDefault(out, "IncludeRefund", t.includeRefund(), true);
            offDefault(out, "IncludeCredit", t.includeCredit(), true);
            offDefault(out, "IncludeUpfront", t.includeUpfront(), true);
            offDefault(out, "IncludeRecurring", t.includeRecurring(), true);
            offDefault(out, "IncludeOtherSubscription", t.includeOtherSubscription(), true);
            offDefault(out, "IncludeSupport", t.includeSupport(), true);
            offDefault(out, "IncludeDiscount", t.includeDiscount(), true);
            offDefault(out, "UseAmortized", t.useAmortized(), false);
        }
        if (!b.plannedBudgetLimits().isEmpty()) out.add("PlannedBudgetLimits=" + new TreeMap<>(b.plannedBudgetLimits()));
        if (b.autoAdjustData() != null) out.add("AutoAdjustData.AutoAdjustType=" + b.autoAdjustData().autoAdjustTypeAsString());
        if (b.billingViewArn() != null) out.add("BillingViewArn=" + b.billingViewArn());
        // Unblended cost is what a budget without metrics counts.
        b.metricsAsStrings().stream().filter(m -> !m.equals("UnblendedCost")).forEach(m -> out.add("Metrics=" + m));
        if (b.timePeriod() != null && b.timePeriod().end() != null && !b.timePeriod().end().equals(DEFAULT_END)) {
            out.add("TimePeriod.End=" + b.timePeriod().end());
        }
        return out.stream().sorted().toList();
    }

    private static void offDefault(List<String> out, String costType, Boolean value, boolean byDefault) {
        if (value != null && value != byDefault) out.add("CostTypes." + costType + "=" + value);
    }

    private static Budget budget(String name, DesiredResource desired) {
        BigDecimal limit = new BigDecimal(desired.attribute("limitUsd").toString());
        return Budget.builder().budgetName(name)
                .budgetLimit(l -> l.amount(limit).unit("USD"))
                .timeUnit(TimeUnit.fromValue(desired.string("timeUnit")))
                .budgetType(BudgetType.fromValue(desired.string("budgetType")))
                .build();
    }

    private static List<software.amazon.awssdk.services.budgets.model.Subscriber> subscribers(LayerContext ctx, Map<String, Object> notification) {
        return resolved(ctx, notification).stream().map(BudgetNotifications::subscriber).toList();
    }

    /** Subscribers with refs resolved to ARNs: "SNS:ref:monitoring/topic/x" → "SNS:arn:aws:sns:...". */
    @SuppressWarnings("unchecked")
    private static List<String> resolved(LayerContext ctx, Map<String, Object> notification) {
        List<String> out = new ArrayList<>();
        for (String s : (List<String>) notification.get("subscribers")) {
            int colon = s.indexOf(':');
            out.add(s.substring(0, colon + 1) + ctx.resolve(s.substring(colon + 1)));
        }
        return out;
    }

    private static String refOrRaw(LayerContext ctx, String typed) {
        int colon = typed.indexOf(':');
        return typed.substring(0, colon + 1) + ctx.index().refOrRaw(typed.substring(colon + 1));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> notifications(DesiredResource desired) {
        return (List<Map<String, Object>>) desired.attribute("notifications");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> observedNotifications(ObservedResource observed) {
        Object v = observed == null ? null : observed.attributes().get("notifications");
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    private static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> notifications) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        notifications.forEach(n -> out.put(BudgetNotifications.key(n), n));
        return out;
    }
}
