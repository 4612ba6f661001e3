package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.events.Notification;
import com.qualisys.controlplane.events.Values;
import java.util.List;
import java.util.Map;

/** Renders a security decision and its outcomes as a notification (pure): who, what, when, what was done. */
public final class SecurityNotifications {
    private SecurityNotifications() {}

    public static Notification render(String environment, SecurityDecision decision, List<StepOutcome> outcomes) {
        return render(environment, decision, outcomes, null, false);
    }

    /**
     * With the targeted drift check of the touched resource (before and after remediation; null when none
     * ran). A dry run renders what would be done; nothing was changed.
     */
    public static Notification render(String environment, SecurityDecision decision, List<StepOutcome> outcomes,
                                      TargetedCheck check, boolean dryRun) {
        SecurityFinding f = decision.finding();
        String target = f.logicalId() != null ? f.logicalId() : f.physicalId();
        String subject = "[" + environment + "] " + f.severity() + " " + f.eventName() + " on " + target;
        StringBuilder b = new StringBuilder();
        if (dryRun) b.append("DRY RUN: nothing was changed; this is what the response would do.\n");
        b.append("Security event in ").append(environment).append(": ").append(f.severity()).append('\n');
        b.append("Why:  ").append(f.severityReason()).append('\n');
        b.append("What: ").append(Values.printable(f.what(), 500)).append('\n');
        b.append("Who:  ").append(Values.printable(f.who().display(), 300)).append(" (").append(f.who().type())
                .append(f.who().principalId() == null ? "" : ", principal " + Values.printable(f.who().principalId(), 100)).append(")\n");
        b.append("From: ").append(f.sourceIpAddress() == null ? "unknown" : Values.printable(f.sourceIpAddress(), 100)).append('\n');
        b.append("When: ").append(f.when()).append('\n');
        b.append("Resource: ").append(f.layer()).append(" layer, ").append(target).append('\n');
        b.append("Policy: ").append(decision.policy()).append('\n');
        b.append('\n');
        if (outcomes.isEmpty()) {
            b.append("Done: nothing changed (").append(f.severity() == Severity.LOW ? "the change matches the desired state"
                    : "policy " + decision.policy() + " allows no remediation").append(").\n");
        } else {
            b.append("Done:\n");
            for (StepOutcome o : outcomes) {
                b.append("  - ").append(o.step().describe()).append(": ").append(o.status()).append(" — ")
                        .append(Values.printable(o.detail(), 1500)).append('\n');
            }
        }
        if (check != null) appendCheck(b, check);
        if (!f.request().isEmpty()) {
            b.append('\n').append("Request (secrets redacted):\n");
            for (Map.Entry<String, Object> e : f.request().entrySet()) {
                b.append("  ").append(e.getKey()).append(": ").append(Values.printable(String.valueOf(e.getValue()), 400)).append('\n');
            }
        }
        b.append("\nCloudTrail event id: ").append(f.eventId()).append('\n');
        return Notification.of((dryRun ? "DRY RUN " : "") + subject, b.toString());
    }

    private static void appendCheck(StringBuilder b, TargetedCheck check) {
        b.append('\n').append("Targeted drift check of ").append(String.join(", ", check.logicalIds()))
                .append(" (layer ").append(check.layer()).append(", not the whole account):\n");
        appendResult(b, "before", check.before());
        if (check.after() != null) appendResult(b, "after", check.after());
    }

    private static void appendResult(StringBuilder b, String when, TargetedCheck.Result r) {
        if (r == null) return;
        b.append("  ").append(when).append(": ").append(r.changes() == 0 ? "as the spec wants it" : r.changes() + " change(s)").append('\n');
        if (r.changes() == 0 || r.summary() == null) return;
        // The plan's own lines, without its title line.
        r.summary().lines().skip(1).limit(40).forEach(l -> b.append("    ").append(Values.printable(l, 400)).append('\n'));
    }
}
