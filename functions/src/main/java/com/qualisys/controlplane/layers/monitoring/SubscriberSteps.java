package com.qualisys.controlplane.layers.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The order of CreateSubscriber / DeleteSubscriber calls that turns a notification's live subscribers
 * into the wanted ones without ever exceeding AWS Budgets' limits: one SNS and ten e-mail
 * subscribers per notification (API reference, NotificationWithSubscribers). A subscriber is added
 * before an old one is removed (the notification keeps notifying someone), unless its type is at
 * its limit: then an old one of that type goes first. Pure: subscribers are "TYPE:address".
 */
final class SubscriberSteps {
    static final Map<String, Integer> LIMIT_BY_TYPE = Map.of("SNS", 1, "EMAIL", 10);

    record Step(boolean add, String subscriber) {}

    private SubscriberSteps() {}

    static List<Step> plan(List<String> live, List<String> wanted) {
        List<String> current = new ArrayList<>(live);
        List<String> toRemove = new ArrayList<>(live.stream().filter(s -> !wanted.contains(s)).toList());
        List<Step> steps = new ArrayList<>();
        for (String s : wanted) {
            if (current.contains(s)) continue;
            String type = type(s);
            int limit = LIMIT_BY_TYPE.getOrDefault(type, Integer.MAX_VALUE);
            if (current.stream().filter(c -> type(c).equals(type)).count() >= limit) {
                String old = toRemove.stream().filter(c -> type(c).equals(type)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("a notification can have at most " + limit + " " + type
                                + " subscriber(s); wanted: " + wanted));
                steps.add(new Step(false, old));
                toRemove.remove(old);
                current.remove(old);
            }
            steps.add(new Step(true, s));
            current.add(s);
        }
        for (String old : toRemove) steps.add(new Step(false, old));
        return steps;
    }

    private static String type(String subscriber) {
        int colon = subscriber.indexOf(':');
        return colon < 0 ? subscriber : subscriber.substring(0, colon);
    }
}
