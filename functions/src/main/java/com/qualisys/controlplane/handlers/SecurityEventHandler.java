package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.observability.EmbeddedMetrics;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.EventLedger;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Notification;
import com.qualisys.controlplane.events.NotificationPublisher;
import com.qualisys.controlplane.events.security.CloudTrailEvent;
import com.qualisys.controlplane.events.security.CloudTrailEventParser;
import com.qualisys.controlplane.events.security.RemediationStep;
import com.qualisys.controlplane.events.security.ResourceResolver;
import com.qualisys.controlplane.events.security.SecurityDecision;
import com.qualisys.controlplane.events.security.SecurityEventClassifier;
import com.qualisys.controlplane.events.security.SecurityFinding;
import com.qualisys.controlplane.events.security.SecurityNotifications;
import com.qualisys.controlplane.events.security.SecurityResponder;
import com.qualisys.controlplane.events.security.StepOutcome;
import com.qualisys.controlplane.events.security.TargetedCheck;
import com.qualisys.controlplane.events.security.WatchedCalls;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The steps of the security-response state machine for one CloudTrail event (docs/events.md).
 *
 * <p>Input: {@code {"step": "classify"|"remediate"|"notify", "environment": "dev", "event": <the EventBridge
 * event of the CloudTrail call>, "dryRun": false}}. The environment is named by the EventBridge rule's input
 * ({@code {"environment": "<env>", "event": <aws.events.event>}}, one rule per environment); without it the
 * {@value #ENVIRONMENT_VARIABLE} variable is used.
 * <ul>
 * <li>{@code claim} — claims the event's id (CloudTrail {@code detail.eventID}) with a conditional write, so
 *     a duplicate delivery ends as {@code duplicate: true} without doing anything twice.</li>
 * <li>{@code classify} — parses (a malformed event is a {@link BadInputException} naming the field, before
 *     any AWS call), ignores failed calls, unwatched calls and the control plane's own calls without any
 *     AWS call, otherwise observes the layers that map the event's physical ids (read-only) and returns
 *     the decision: the finding (who, what, when, severity), the policy, the steps, the resolved ids and the
 *     targeted check to run ({@code check: {layer, logicalIds}}) with {@code applyTargeted}.</li>
 * <li>{@code remediate} — the direct repairs (StartLogging, revoking internet-open rules), each after a
 *     read so a repeat makes no mutating call; a dry run only says what it would do.</li>
 * <li>{@code notify} — given the whole execution state ({@code "state": $}), renders the notification
 *     (caller, what, when, what was done, the targeted check before and after) and publishes it to the
 *     alert topic (not in a dry run). Its output is the response: decision, what was done, notification.</li>
 * </ul>
 */
public final class SecurityEventHandler extends ControlPlaneHandler {
    public static final String ENVIRONMENT_VARIABLE = "QUALISYS_ENVIRONMENT";
    private final String defaultEnvironment;

    public SecurityEventHandler() {
        this.defaultEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
    }

    public SecurityEventHandler(ControlPlane controlPlane) {
        this(controlPlane, System.getenv(ENVIRONMENT_VARIABLE));
    }

    public SecurityEventHandler(ControlPlane controlPlane, String defaultEnvironment) {
        super(controlPlane);
        this.defaultEnvironment = defaultEnvironment;
    }

    @Override
    protected Supplier<List<Layer>> layers() {
        return Layers::all;
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String step = input.oneOf("step", List.of("claim", "classify", "remediate", "notify"));
        Input state = step.equals("notify") ? Input.of(input.map("state")) : input;
        EnvironmentSpec spec = environment(state, controlPlane, defaultEnvironment);
        String event = EventPayloads.json(state, "event");
        boolean dryRun = state.bool("dryRun", false);
        return switch (step) {
            case "claim" -> claim(spec, event, input.string("executionId", "(direct invocation)"), dryRun, controlPlane);
            case "classify" -> classify(spec, event, controlPlane);
            case "remediate" -> remediate(spec, event, resolved(state), dryRun, controlPlane);
            default -> notify(spec, event, state, dryRun, controlPlane);
        };
    }

    /**
     * Claims the event's id ({@link EventLedger}) so a redelivered or concurrently delivered event gets
     * one response: a duplicate is answered {@code duplicate: true} with the execution that responds.
     * A dry run claims nothing. The id is read leniently, so a rejected event can still be named.
     */
    private static Map<String, Object> claim(EnvironmentSpec spec, String event, String executionId, boolean dryRun, ControlPlane controlPlane) {
        return EventClaims.claim(spec, event, "cloudtrail", executionId, dryRun, controlPlane);
    }

    private Map<String, Object> classify(EnvironmentSpec spec, String event, ControlPlane controlPlane) {
        CloudTrailEvent parsed = parse(event);
        SecurityEventClassifier classifier = new SecurityEventClassifier(spec, ResourceResolver.none());
        Optional<SecurityFinding> ignored = classifier.ignoredWithoutLookup(parsed);
        if (ignored.isPresent()) return ignored(spec, ignored.get());

        Reconciler reconciler = controlPlane.reconciler(spec);
        List<String> layers = controlPlane.layerNames();
        WatchedCalls.find(parsed.eventSource(), parsed.eventName()).map(WatchedCalls::layersResolvingIds).orElse(List.of())
                .stream().filter(layers::contains).forEach(reconciler::observe);
        Map<String, String> resolved = new TreeMap<>();
        ResourceResolver recording = id -> {
            Optional<String> logical = id == null ? Optional.empty() : reconciler.index().logicalId(id);
            logical.ifPresent(l -> resolved.put(id, l));
            return logical;
        };
        SecurityDecision decision = decide(spec, event, recording);
        if (decision.ignored()) return ignored(spec, decision.finding());

        SecurityFinding f = decision.finding();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("ignored", false);
        out.put("finding", finding(f));
        out.put("policy", decision.policy());
        out.put("steps", decision.steps().stream().map(s -> Map.of("describe", s.describe())).toList());
        out.put("resolved", resolved);
        boolean checkable = f.logicalId() != null && layers.contains(f.layer());
        out.put("hasCheck", checkable);
        out.put("check", checkable ? Map.of("layer", f.layer(), "logicalIds", List.of(f.logicalId())) : null);
        out.put("applyTargeted", checkable && decision.steps().stream()
                .anyMatch(s -> s instanceof RemediationStep.DriftCheck d && d.apply()));
        out.put("note", checkable || f.logicalId() == null ? null
                : "no targeted drift check: layer " + f.layer() + " is not part of this control plane");
        out.put("ignoredBecause", null);
        return out;
    }

    private Map<String, Object> remediate(EnvironmentSpec spec, String event, Map<String, String> resolved, boolean dryRun,
                                          ControlPlane controlPlane) {
        SecurityResponder responder = new SecurityResponder(spec, ResourceResolver.of(resolved), controlPlane.aws(spec));
        SecurityDecision decision = decide(responder, event);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (StepOutcome o : responder.remediate(decision, dryRun)) {
            if (o.status() == StepOutcome.Status.DONE) EmbeddedMetrics.current().add(ControlPlaneMetric.REMEDIATIONS, spec.environment(), 1);
            outcomes.add(Map.of("step", o.step().describe(), "status", o.status().name(), "detail", o.detail()));
        }
        return Map.of("outcomes", outcomes);
    }

    private Map<String, Object> notify(EnvironmentSpec spec, String event, Input state, boolean dryRun, ControlPlane controlPlane) {
        SecurityDecision decision = decide(spec, event, ResourceResolver.of(resolved(state)));
        List<StepOutcome> direct = new ArrayList<>();
        Map<String, Object> remediation = state.map("remediation");
        for (Object o : remediation.get("outcomes") instanceof List<?> l ? l : List.of()) {
            Map<?, ?> m = (Map<?, ?>) o;
            direct.add(new StepOutcome(null, StepOutcome.Status.valueOf(String.valueOf(m.get("status"))), String.valueOf(m.get("detail"))));
        }
        TargetedCheck check = targetedCheck(state);
        List<StepOutcome> outcomes = SecurityResponder.outcomes(decision, direct, check, spec.environment(), dryRun);
        Notification n = SecurityNotifications.render(spec.environment(), decision, outcomes, check, dryRun);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("ignored", false);
        out.put("dryRun", dryRun);
        out.put("finding", finding(decision.finding()));
        out.put("policy", decision.policy());
        out.put("done", outcomes.stream().map(o -> Map.of("step", o.step().describe(), "status", o.status().name(),
                "detail", o.detail())).toList());
        Map<String, Object> c = null;
        if (check != null) {
            c = new LinkedHashMap<>();
            c.put("layer", check.layer());
            c.put("logicalIds", check.logicalIds());
            c.put("changesBefore", check.before() == null ? null : check.before().changes());
            c.put("changesAfter", check.after() == null ? null : check.after().changes());
        }
        out.put("targetedCheck", c);
        out.put("notification", Map.of("subject", n.subject(), "body", n.body()));
        String topic = controlPlane.settings().alertTopicArn();
        if (dryRun || topic == null) {
            out.put("published", false);
            out.put("messageId", null);
        } else {
            out.put("published", true);
            out.put("messageId", new NotificationPublisher(controlPlane.hub().sns(), topic).publish(n));
        }
        return out;
    }

    /** The targeted check as the state machine recorded it in $.check, $.applied and $.after. */
    private static TargetedCheck targetedCheck(Input state) {
        Map<String, Object> classification = state.map("classification");
        if (!(classification.get("check") instanceof Map<?, ?> target)) return null;
        Map<String, Object> before = state.map("check");
        Map<String, Object> applied = state.map("applied");
        Map<String, Object> after = state.map("after");
        TargetedCheck.Applied a = null;
        if (applied.containsKey("Error")) {
            a = new TargetedCheck.Applied(List.of(), String.valueOf(applied.get("Cause")));
        } else if (applied.get("applied") instanceof List<?> changes) {
            a = new TargetedCheck.Applied(changes.stream().map(c -> (Map<?, ?>) c)
                    .map(c -> c.get("action") + " " + c.get("logicalId")
                            + (c.get("repaired") instanceof List<?> items && !items.isEmpty()
                                    ? " (" + String.join("; ", items.stream().map(String::valueOf).toList()) + ")" : ""))
                    .toList(), null);
        }
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) target.get("logicalIds");
        return new TargetedCheck(String.valueOf(target.get("layer")), ids, result(before), a, result(after));
    }

    private static TargetedCheck.Result result(Map<String, Object> plan) {
        if (!(plan.get("changes") instanceof Number n)) return null;
        return new TargetedCheck.Result(n.intValue(), plan.get("summary") == null ? null : String.valueOf(plan.get("summary")));
    }

    /** The classification of an ignored event: the same fields, nothing to check or do. */
    private static Map<String, Object> ignored(EnvironmentSpec spec, SecurityFinding f) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("eventId", f.eventId());
        finding.put("eventName", f.eventName());
        finding.put("who", Map.of("display", f.who().display()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("ignored", true);
        out.put("finding", finding);
        out.put("policy", null);
        out.put("steps", List.of());
        out.put("resolved", Map.of());
        out.put("hasCheck", false);
        out.put("check", null);
        out.put("applyTargeted", false);
        out.put("note", null);
        out.put("ignoredBecause", f.ignoredBecause());
        return out;
    }

    static Map<String, Object> finding(SecurityFinding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", f.eventId());
        m.put("eventName", f.eventName());
        m.put("class", f.securityClass().key());
        m.put("severity", f.severity().name());
        m.put("reason", f.severityReason());
        m.put("layer", f.layer());
        m.put("logicalId", f.logicalId());
        m.put("physicalId", f.physicalId());
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("display", f.who().display());
        who.put("type", f.who().type());
        who.put("arn", f.who().arn());
        who.put("principalId", f.who().principalId());
        m.put("who", who);
        m.put("sourceIpAddress", f.sourceIpAddress());
        m.put("when", f.when().toString());
        m.put("what", f.what());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> resolved(Input state) {
        Object r = state.map("classification").get("resolved");
        if (r == null) r = state.fields().get("resolved");
        if (r == null) return Map.of();
        if (!(r instanceof Map<?, ?> m)) throw new BadInputException("input field 'resolved' must be an object of physical → logical ids");
        Map<String, String> out = new TreeMap<>();
        ((Map<String, Object>) m).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static CloudTrailEvent parse(String event) {
        try {
            return CloudTrailEventParser.parse(event);
        } catch (EventParseException e) {
            throw new BadInputException("event rejected: " + e.getMessage());
        }
    }

    private static SecurityDecision decide(EnvironmentSpec spec, String event, ResourceResolver resolver) {
        return decide(new SecurityResponder(spec, resolver, null), event);
    }

    private static SecurityDecision decide(SecurityResponder responder, String event) {
        try {
            return responder.decide(event);
        } catch (EventParseException e) {
            throw new BadInputException("event rejected: " + e.getMessage());
        }
    }
}
