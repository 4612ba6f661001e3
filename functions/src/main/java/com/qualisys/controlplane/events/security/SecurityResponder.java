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

    public SecurityResponse respond(String eventJson) throws EventParseException {
        SecurityDecision decision = decide(eventJson);
        if (decision.ignored()) return new SecurityResponse(decision, List.of(), null);
        if (executor == null) throw new IllegalStateException("no AWS clients: this responder can only decide");
        List<StepOutcome> outcomes = executor.execute(decision);
        return new SecurityResponse(decision, outcomes, SecurityNotifications.render(environment, decision, outcomes));
    }
}
