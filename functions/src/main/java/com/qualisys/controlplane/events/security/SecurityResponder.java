package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Notification;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;

/**
 * The security-event entry point for the handler and the security-response state machine:
 * {@link #decide} parses and classifies (pure), {@link #respond} also carries out the direct
 * remediations and renders the notification. Publishing is left to the caller
 * ({@link com.qualisys.controlplane.events.NotificationPublisher}), as are DriftCheck steps.
 * A payload that does not parse raises {@link EventParseException} before anything is done.
 */
public final class SecurityResponder {
    private final SecurityEventClassifier classifier;
    private final RemediationPolicy policy;
    private final RemediationExecutor executor;
    private final String environment;

    public SecurityResponder(EnvironmentSpec spec, ResourceResolver resolver, AwsClients aws) {
        this.classifier = new SecurityEventClassifier(spec, resolver);
        this.policy = new RemediationPolicy(spec.responses());
        this.executor = aws == null ? null : new RemediationExecutor(aws);
        this.environment = spec.environment();
    }

    /** The response, notification included; {@code notification} is null for ignored events. */
    public record SecurityResponse(SecurityDecision decision, List<StepOutcome> outcomes, Notification notification) {
        public SecurityResponse {
            outcomes = List.copyOf(outcomes);
        }

        /** DriftCheck steps for the state machine (targeted plan, and apply when allowed). */
        public List<RemediationStep.DriftCheck> driftChecks() {
            return decision.steps().stream().filter(s -> s instanceof RemediationStep.DriftCheck)
                    .map(s -> (RemediationStep.DriftCheck) s).toList();
        }
    }

    public SecurityDecision decide(String eventJson) throws EventParseException {
        return policy.decide(classifier.classify(CloudTrailEventParser.parse(eventJson)));
    }

    /**
     * Carries out the direct remediations of a decision (DriftCheck steps are HANDED_OFF to the state
     * machine), one outcome per step in order. A dry run makes no call and says what it would do.
     */
    public List<StepOutcome> remediate(SecurityDecision decision, boolean dryRun) {
        if (dryRun) {
            return decision.steps().stream().map(s -> s instanceof RemediationStep.DriftCheck
                    ? new StepOutcome(s, StepOutcome.Status.HANDED_OFF, "targeted drift check requested from the state machine")
                    : new StepOutcome(s, StepOutcome.Status.PLANNED, "would " + s.describe())).toList();
        }
        if (executor == null) throw new IllegalStateException("no AWS clients: this responder can only decide");
        return executor.execute(decision);
    }

    /**
     * Every step's outcome for the notification: the direct ones as they were carried out (in step
     * order), the drift checks from what the targeted check and apply did.
     */
    public static List<StepOutcome> outcomes(SecurityDecision decision, List<StepOutcome> direct, TargetedCheck check,
                                             String environment, boolean dryRun) {
        List<StepOutcome> out = new java.util.ArrayList<>();
        for (int i = 0; i < decision.steps().size(); i++) {
            RemediationStep step = decision.steps().get(i);
            if (step instanceof RemediationStep.DriftCheck d) out.add(TargetedCheck.outcome(d, check, environment, dryRun));
            else if (i < direct.size()) out.add(new StepOutcome(step, direct.get(i).status(), direct.get(i).detail()));
            else out.add(new StepOutcome(step, StepOutcome.Status.FAILED, "no outcome was recorded"));
        }
        return out;
    }

    public SecurityResponse respond(String eventJson) throws EventParseException {
        SecurityDecision decision = decide(eventJson);
        if (decision.ignored()) return new SecurityResponse(decision, List.of(), null);
        if (executor == null) throw new IllegalStateException("no AWS clients: this responder can only decide");
        List<StepOutcome> outcomes = executor.execute(decision);
        return new SecurityResponse(decision, outcomes, SecurityNotifications.render(environment, decision, outcomes));
    }
}
