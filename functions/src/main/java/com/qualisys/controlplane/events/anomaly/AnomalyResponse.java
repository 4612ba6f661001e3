package com.qualisys.controlplane.events.anomaly;

import com.qualisys.controlplane.events.Notification;
import com.qualisys.controlplane.events.Values;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What to do about a cost anomaly (pure): always notify; start a drift check when
 * {@code responses.anomalyStartsDriftCheck} is on and the total impact reaches the monitor's
 * {@code monitoring.anomalyDetection.impactThresholdUsd} (an unexpected cost often means an unexpected
 * resource, which a drift check finds).
 */
public record AnomalyResponse(CostAnomaly anomaly, boolean startDriftCheck, String reason, Notification notification) {

    public static AnomalyResponse decide(CostAnomaly a, EnvironmentSpec spec) {
        BigDecimal threshold = spec.monitoring().anomalyDetection().impactThresholdUsd();
        boolean reached = a.totalImpact().compareTo(threshold) >= 0;
        boolean drift = spec.responses().anomalyStartsDriftCheck() && reached;
        String reason = !spec.responses().anomalyStartsDriftCheck() ? "anomalyStartsDriftCheck is off"
                : reached ? "impact $" + a.totalImpact() + " reaches the $" + threshold + " threshold"
                : "impact $" + a.totalImpact() + " is below the $" + threshold + " threshold";
        return new AnomalyResponse(a, drift, reason, render(spec.environment(), a, drift, reason));
    }

    static Notification render(String environment, CostAnomaly a, boolean drift, String reason) {
        String service = a.service() == null ? "unknown service" : a.service();
        String subject = "[" + environment + "] Cost anomaly: " + service + " +$" + a.totalImpact().setScale(2, RoundingMode.HALF_UP);
        StringBuilder b = new StringBuilder();
        b.append("Cost anomaly ").append(a.anomalyId()).append(" (via ").append(a.route()).append(")\n");
        b.append("Service: ").append(Values.printable(service, 200)).append('\n');
        b.append("Account: ").append(a.accountId() == null ? "unknown" : a.accountId()).append('\n');
        b.append("Dates: ").append(a.startDate()).append(" to ").append(a.endDate()).append('\n');
        b.append("Impact: total $").append(a.totalImpact()).append(", max $").append(a.maxImpact());
        if (a.totalActualSpend() != null && a.totalExpectedSpend() != null) {
            b.append(" (spent $").append(a.totalActualSpend()).append(" where $").append(a.totalExpectedSpend()).append(" was expected)");
        }
        b.append('\n');
        b.append("Monitor: ").append(a.monitorName() == null ? a.monitorArn() : Values.printable(a.monitorName(), 200) + " (" + a.monitorArn() + ")").append('\n');
        if (!a.rootCauses().isEmpty()) {
            b.append("Root causes:\n");
            for (CostAnomaly.RootCause c : a.rootCauses()) {
                b.append("  - ").append(text(c.service())).append(" in ").append(text(c.region())).append(", account ")
                        .append(text(c.linkedAccount())).append(c.linkedAccountName() == null ? "" : " (" + text(c.linkedAccountName()) + ")")
                        .append(", usage type ").append(text(c.usageType()))
                        .append(c.contribution() == null ? "" : ", $" + c.contribution()).append('\n');
            }
        }
        b.append(drift ? "Done: a drift check of every layer was requested (" + reason + ").\n"
                : "Done: notified only (" + reason + ").\n");
        if (a.detailsLink() != null) b.append("Details: ").append(Values.printable(a.detailsLink(), 400)).append('\n');
        return Notification.of(subject, b.toString());
    }

    private static String text(String s) {
        return s == null ? "?" : Values.printable(s, 200);
    }
}
