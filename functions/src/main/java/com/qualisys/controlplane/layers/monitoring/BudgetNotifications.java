package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.spec.MonitoringSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.budgets.model.ComparisonOperator;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.NotificationType;
import software.amazon.awssdk.services.budgets.model.Subscriber;
import software.amazon.awssdk.services.budgets.model.SubscriptionType;
import software.amazon.awssdk.services.budgets.model.ThresholdType;

/**
 * A budget's notifications as one attribute of the budget: AWS gives notifications no id and no
 * tags, so each is identified by what it is (type, operator, threshold, threshold type), and
 * carries its subscribers as {@code "SNS:<topic ref or ARN>"} / {@code "EMAIL:<address>"}. Pure.
 */
final class BudgetNotifications {
    private BudgetNotifications() {}

    /** The seed's notifications: ACTUAL above each actual percentage, FORECASTED above each forecast one. */
    static List<Map<String, Object>> desired(MonitoringSpec.Budget budget, String subscriber) {
        List<Map<String, Object>> out = new ArrayList<>();
        budget.actualAlertPercents().forEach(p -> out.add(notification("ACTUAL", "GREATER_THAN", BigDecimal.valueOf(p), "PERCENTAGE", List.of(subscriber))));
        budget.forecastedAlertPercents().forEach(p -> out.add(notification("FORECASTED", "GREATER_THAN", BigDecimal.valueOf(p), "PERCENTAGE", List.of(subscriber))));
        return sorted(out);
    }

    static Map<String, Object> notification(String type, String operator, BigDecimal threshold, String thresholdType, List<String> subscribers) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("notificationType", type);
        n.put("comparisonOperator", operator);
        n.put("threshold", threshold.stripTrailingZeros());
        n.put("thresholdType", thresholdType == null ? "PERCENTAGE" : thresholdType);
        n.put("subscribers", subscribers.stream().sorted().toList());
        return n;
    }

    static Map<String, Object> observed(Notification n, List<String> subscribers) {
        return notification(n.notificationTypeAsString(), n.comparisonOperatorAsString(), BigDecimal.valueOf(n.threshold()),
                n.thresholdTypeAsString(), subscribers);
    }

    /** What identifies a notification to AWS (the subscribers do not). */
    static String key(Map<String, Object> n) {
        return n.get("notificationType") + " " + n.get("comparisonOperator") + " " + ((BigDecimal) n.get("threshold")).toPlainString()
                + " " + n.get("thresholdType");
    }

    static List<Map<String, Object>> sorted(List<Map<String, Object>> notifications) {
        return notifications.stream().sorted(Comparator
                .comparing((Map<String, Object> n) -> (String) n.get("notificationType"))
                .thenComparing(n -> (String) n.get("comparisonOperator"))
                .thenComparing(n -> (String) n.get("thresholdType"))
                .thenComparing(n -> (BigDecimal) n.get("threshold"))).toList();
    }

    static Notification toSdk(Map<String, Object> n) {
        return Notification.builder()
                .notificationType(NotificationType.fromValue((String) n.get("notificationType")))
                .comparisonOperator(ComparisonOperator.fromValue((String) n.get("comparisonOperator")))
                .threshold(((BigDecimal) n.get("threshold")).doubleValue())
                .thresholdType(ThresholdType.fromValue((String) n.get("thresholdType")))
                .build();
    }

    static String subscriber(Subscriber s) {
        return s.subscriptionTypeAsString() + ":" + s.address();
    }

    /** "SNS:arn:..." or "EMAIL:a@b" with any ref already resolved. */
    static Subscriber subscriber(String typed) {
        int colon = typed.indexOf(':');
        return Subscriber.builder().subscriptionType(SubscriptionType.fromValue(typed.substring(0, colon)))
                .address(typed.substring(colon + 1)).build();
    }
}
