package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.observability.EmbeddedMetrics;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.events.EventKind;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Notification;
import com.qualisys.controlplane.events.NotificationPublisher;
import com.qualisys.controlplane.events.anomaly.AnomalyResponse;
import com.qualisys.controlplane.events.anomaly.CostAnomaly;
import com.qualisys.controlplane.events.anomaly.CostAnomalyParser;
import com.qualisys.controlplane.events.budget.BudgetAction;
import com.qualisys.controlplane.events.budget.BudgetAlert;
import com.qualisys.controlplane.events.budget.BudgetAlertParser;
import com.qualisys.controlplane.events.budget.BudgetLadder;
import com.qualisys.controlplane.events.budget.BudgetNotifications;
import com.qualisys.controlplane.events.budget.BudgetResponder;
import com.qualisys.controlplane.events.budget.OverrideRecord;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.events.budget.ServiceCost;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Budget alerts, cost anomalies and restoring what the budget ladder changed (docs/events.md).
 *
 * <p>The budget-response state machine calls it step by step, with {@code {"step": ..., "environment": "dev",
 * "alert": <payload>, "dryRun": false}}; the payload is a Lambda SNS event {@code {"Records":[{"Sns":{"Message":
 * ...}}]}}, an SNS notification, the EventBridge {@code aws.ce} "Anomaly Detected" event, or the message text.
 * <ul>
 * <li>{@code parse} — what the alert is and what the ladder will do (pure: no AWS call); a malformed alert
 *     is a {@link BadInputException} naming the field.</li>
 * <li>{@code claim} — claims the delivery's id (SNS {@code MessageId}, the anomaly event's {@code id}) with a
 *     conditional write, so a redelivered alert, even a concurrent one, does nothing twice and answers
 *     {@code duplicate: true} ({@link EventClaims}).</li>
 * <li>{@code record} — writes the override record of each cap before anything is capped.</li>
 * <li>{@code respond} — runs the ladder (top cost drivers, the cap) and renders the notification; for an
 *     anomaly, renders it and says whether a drift check is wanted.</li>
 * <li>{@code restore} — {@code "overrideId": ID} or {@code "allExpired": true}: puts the recorded values back
 *     and renders the notification.</li>
 * </ul>
 *
 * <p>Called directly it responds in one invocation (parse, record, respond, publish, request the drift
 * check): an SNS subscription delivers {@code {"Records": [...]}}, an EventBridge rule the {@code aws.ce}
 * event, a schedule or a person {@code {"action": "restore", "overrideId": ID}} or
 * {@code {"action": "restore-expired"}}. A delivery is claimed first, as by the {@code claim} step; a
 * duplicate does nothing else, and a response that fails gives its claim back so SNS's retry of the
 * same message responds (the ladder's actions are idempotent). SNS and EventBridge cannot name the
 * environment: an alert is for the environment whose {@code aws.accountId} is the alert's account (the
 * spoke whose topic or bus it came from, docs/accounts.md); an {@code "environment"} field wins, and the
 * {@value #ENVIRONMENT_VARIABLE} variable names it when no environment has that account.
 */
public final class BudgetAlertHandler extends ControlPlaneHandler {
    public static final String ENVIRONMENT_VARIABLE = "QUALISYS_ENVIRONMENT";
    /** The event that asks for a drift check (the state machine puts the same one). */
    public static final String EVENT_SOURCE = "qualisys.control-plane";
    public static final String DRIFT_CHECK_REQUESTED = "Drift Check Requested";

    private final String defaultEnvironment;
    private final Clock clock;

    public BudgetAlertHandler() {
        this.defaultEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        this.clock = Clock.systemUTC();
    }

    public BudgetAlertHandler(ControlPlane controlPlane) {
        this(controlPlane, System.getenv(ENVIRONMENT_VARIABLE), Clock.systemUTC());
    }

    public BudgetAlertHandler(ControlPlane controlPlane, String defaultEnvironment, Clock clock) {
        super(controlPlane);
        this.defaultEnvironment = defaultEnvironment;
        this.clock = clock;
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        if (input.fields().get("step") != null) {
            String step = input.oneOf("step", List.of("parse", "claim", "record", "respond", "restore"));
            String holder = holder(input);
            if (step.equals("restore")) return restore(environment(input, controlPlane, defaultEnvironment), input, controlPlane, holder).json();
            String payload = EventPayloads.json(input, "alert");
            EnvironmentSpec spec = environmentOf(input, payload, controlPlane);
            Alert alert = Alert.parse(payload, spec);
            if (step.equals("claim")) {
                return EventClaims.claim(spec, payload, alert.kind().name().toLowerCase(java.util.Locale.ROOT), holder,
                        input.bool("dryRun", false), controlPlane);
            }
            return switch (step) {
                case "parse" -> parsed(spec, alert, input.bool("dryRun", false));
                case "record" -> recorded(alert, responder(spec, controlPlane));
                default -> locked(spec, controlPlane, holder, alert.caps(), r -> responded(spec, alert, r)).json();
            };
        }
        if (input.fields().get("action") != null) {
            String action = input.oneOf("action", List.of("restore", "restore-expired"));
            EnvironmentSpec spec = environment(input, controlPlane, defaultEnvironment);
            Map<String, Object> fields = new LinkedHashMap<>(input.fields());
            if (action.equals("restore-expired")) fields.put("allExpired", true);
            Result restored = restore(spec, Input.of(fields), controlPlane, holder(input));
            Map<String, Object> out = new LinkedHashMap<>(restored.json());
            if (restored.notification() != null) out.putAll(publish(spec, restored.notification(), controlPlane));
            return out;
        }
        return respondDirectly(input, controlPlane);
    }

    /** The SNS or EventBridge delivery: the whole response in this invocation. */
    private Map<String, Object> respondDirectly(Input input, ControlPlane controlPlane) {
        Map<String, Object> fields = new LinkedHashMap<>(input.fields());
        fields.remove("environment");
        String payload = EventPayloads.json(fields);
        EnvironmentSpec spec = environmentOf(input, payload, controlPlane);
        Alert alert = Alert.parse(payload, spec);
        // Each invocation its own claimer: two concurrent deliveries of one message are two invocations.
        String holder = input.string("executionId", "budget-alert invocation " + java.util.UUID.randomUUID());
        Map<String, Object> claim = EventClaims.claim(spec, payload, alert.kind().name().toLowerCase(java.util.Locale.ROOT), holder, false,
                controlPlane);
        if (Boolean.TRUE.equals(claim.get("duplicate"))) return claim;
        try {
            if (alert.budget() != null) responder(spec, controlPlane).record(alert.budget());
            Result responded = locked(spec, controlPlane, holder, alert.caps(), r -> responded(spec, alert, r));
            Map<String, Object> out = new LinkedHashMap<>(responded.json());
            if (Boolean.TRUE.equals(out.get("driftCheckRequested"))) requestDriftCheck(spec, controlPlane, String.valueOf(out.get("reason")));
            out.putAll(publish(spec, responded.notification(), controlPlane));
            out.put("eventId", claim.get("eventId"));
            out.put("duplicate", false);
            return out;
        } catch (RuntimeException failed) {
            if (Boolean.TRUE.equals(claim.get("claimed"))) {
                EventClaims.ledger(spec, controlPlane).release(spec.environment(), (String) claim.get("eventId"), holder);
            }
            throw failed;
        }
    }

    /**
     * The environment an alert is for: the input's {@code environment}; else the one environment whose
     * {@code aws.accountId} is the account the alert was raised in; else {@value #ENVIRONMENT_VARIABLE}. An account
     * no environment names, or that several share, is bad input naming the account, before anything is done.
     */
    private EnvironmentSpec environmentOf(Input input, String payload, ControlPlane controlPlane) {
        if (input.fields().get("environment") != null) return environment(input, controlPlane);
        String account = Alert.account(payload);
        List<String> inAccount = controlPlane.environmentNames().stream()
                .filter(name -> controlPlane.spec(name).aws().accountId().equals(account)).toList();
        if (inAccount.size() == 1) return controlPlane.spec(inAccount.get(0));
        if (defaultEnvironment != null && (inAccount.isEmpty() || inAccount.contains(defaultEnvironment))) {
            return environment(input, controlPlane, defaultEnvironment);
        }
        throw new BadInputException("alert from account " + account + ": " + (inAccount.isEmpty()
                ? "no environment has this aws.accountId (" + controlPlane.environmentNames().stream()
                        .map(n -> n + ": " + controlPlane.spec(n).aws().accountId()).collect(java.util.stream.Collectors.joining(", ")) + ")"
                : "environments " + String.join(", ", inAccount) + " share it, so it cannot tell which")
                + "; name the environment in the input or set " + ENVIRONMENT_VARIABLE);
    }

    private static Map<String, Object> parsed(EnvironmentSpec spec, Alert alert, boolean dryRun) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("kind", alert.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("dryRun", dryRun);
        if (alert.budget() != null) {
            BudgetLadder.Plan plan = alert.budget();
            BudgetAlert a = plan.alert();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("budgetName", a.budgetName());
            summary.put("alertType", a.alertType().name());
            summary.put("threshold", a.threshold().display());
            summary.put("thresholdPercent", a.thresholdPercent().stripTrailingZeros().toPlainString());
            summary.put("amount", a.amount().toPlainString());
            summary.put("budgetLimit", a.budgetLimit().toPlainString());
            summary.put("periodStart", a.periodStart().toString());
            summary.put("periodEnd", a.periodEnd().toString());
            out.put("alert", summary);
            out.put("ladderStep", plan.step() == null ? null : plan.step().atPercent() + "% " + plan.step().actions());
            out.put("actions", plan.actions().stream().map(x -> Map.of("name", x.name(), "describe", x.describe())).toList());
            out.put("notes", plan.notes());
            out.put("recordsOverrides", plan.actions().stream().anyMatch(x -> x instanceof BudgetAction.CapNodeGroup));
        } else {
            CostAnomaly a = alert.anomaly().anomaly();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("anomalyId", a.anomalyId());
            summary.put("service", a.service());
            summary.put("totalImpact", a.totalImpact().toPlainString());
            summary.put("route", a.route().name());
            out.put("alert", summary);
            List<Map<String, String>> actions = new ArrayList<>();
            actions.add(Map.of("name", "notify", "describe", "notify the alert topic"));
            if (alert.anomaly().startDriftCheck()) actions.add(Map.of("name", "start-drift-check", "describe", "request a drift check of every layer"));
            out.put("actions", actions);
            out.put("ladderStep", null);
            out.put("notes", List.of(alert.anomaly().reason()));
            out.put("recordsOverrides", false);
        }
        return out;
    }

    private static Map<String, Object> recorded(Alert alert, BudgetResponder responder) {
        List<OverrideRecord> records = alert.budget() == null ? List.of() : responder.record(alert.budget());
        return Map.of("overrides", records.stream().map(OverrideRecord::id).toList());
    }

    /** A step's JSON output and the notification it rendered (null when there is nothing to tell). */
    private record Result(Map<String, Object> json, Notification notification) {}

    private static Result responded(EnvironmentSpec spec, Alert alert, BudgetResponder responder) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("kind", alert.kind().name().toLowerCase(java.util.Locale.ROOT));
        Notification n;
        if (alert.budget() != null) {
            BudgetResponder.BudgetResponse r = responder.respond(alert.budget());
            out.put("overrides", r.overrides().stream().map(BudgetAlertHandler::override).toList());
            out.put("topServices", r.topServices().stream().map(BudgetAlertHandler::cost).toList());
            out.put("driftCheckRequested", r.driftCheckRequested());
            out.put("reason", "budget " + alert.budget().alert().budgetName() + " ladder step");
            out.put("notes", r.notes());
            n = r.notification();
            EmbeddedMetrics.current().add(ControlPlaneMetric.BUDGET_RESPONSES, spec.environment(), 1);
        } else {
            out.put("overrides", List.of());
            out.put("topServices", List.of());
            out.put("driftCheckRequested", alert.anomaly().startDriftCheck());
            out.put("reason", "cost anomaly " + alert.anomaly().anomaly().anomalyId() + ": " + alert.anomaly().reason());
            out.put("notes", List.of());
            n = alert.anomaly().notification();
            EmbeddedMetrics.current().add(ControlPlaneMetric.ANOMALY_RESPONSES, spec.environment(), 1);
        }
        out.put("notification", Map.of("subject", n.subject(), "body", n.body()));
        return new Result(out, n);
    }

    private Result restore(EnvironmentSpec spec, Input input, ControlPlane controlPlane, String holder) {
        OverrideStore candidates = store(spec, controlPlane);
        boolean anything = input.bool("allExpired", false)
                ? candidates.active().stream().anyMatch(o -> !o.expiresAt().isAfter(clock.instant()))
                : input.fields().get("overrideId") != null && candidates.get(input.string("overrideId")).map(OverrideRecord::active).orElse(false);
        return locked(spec, controlPlane, holder, anything, responder -> restore(spec, input, controlPlane, responder));
    }

    private Result restore(EnvironmentSpec spec, Input input, ControlPlane controlPlane, BudgetResponder responder) {
        String reason = input.string("reason", null);
        List<OverrideRecord> restored = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("note", null);
        if (input.bool("allExpired", false)) {
            restored.addAll(responder.restoreExpired(clock.instant()));
        } else {
            String id = input.string("overrideId");
            OverrideStore store = store(spec, controlPlane);
            Optional<OverrideRecord> found = store.get(id);
            if (found.isEmpty()) {
                List<String> known = store.all().stream().map(o -> o.id() + " (" + o.status() + ")").toList();
                throw new BadInputException("no override " + id + " in " + spec.environment() + "; recorded: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
            if (!found.get().active()) {
                out.put("note", "override " + id + " was already restored at " + found.get().restoredAt() + " (" + found.get().restoreReason() + ")");
            } else {
                responder.restore(id, reason == null ? "restored by request" : reason).ifPresent(restored::add);
            }
        }
        out.put("count", restored.size());
        out.put("restored", restored.stream().map(BudgetAlertHandler::override).toList());
        if (restored.isEmpty()) {
            out.put("notification", null);
            return new Result(out, null);
        }
        Notification n = BudgetNotifications.restored(spec.environment(), restored);
        out.put("notification", Map.of("subject", n.subject(), "body", n.body()));
        return new Result(out, n);
    }

    private Map<String, Object> publish(EnvironmentSpec spec, Notification n, ControlPlane controlPlane) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("notification", Map.of("subject", n.subject(), "body", n.body()));
        String topic = controlPlane.settings().alertTopicArn();
        out.put("published", topic != null);
        if (topic != null) out.put("messageId", new NotificationPublisher(controlPlane.hub().sns(), topic).publish(n));
        return out;
    }

    private static void requestDriftCheck(EnvironmentSpec spec, ControlPlane controlPlane, String reason) {
        String detail = "{\"environment\":\"" + spec.environment() + "\",\"reason\":" + quote(reason) + "}";
        controlPlane.hub().eventBridge().putEvents(r -> r.entries(e -> e.eventBusName(controlPlane.settings().eventBusName())
                .source(EVENT_SOURCE).detailType(DRIFT_CHECK_REQUESTED).detail(detail)));
    }

    private static String quote(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a step that may change the node group holding the environment's lease (the cap, the restore are
     * writers like any apply), its writes fenced by the lease; a step with nothing to change takes no lease,
     * so an anomaly or an empty daily restore is never blocked by a provision.
     */
    private <T> T locked(EnvironmentSpec spec, ControlPlane controlPlane, String holder, boolean writes,
                         java.util.function.Function<BudgetResponder, T> step) {
        if (!writes) return step.apply(responder(spec, controlPlane));
        return controlPlane.lock(spec).withLease(spec.environment(), holder, ControlPlane.leaseDuration(spec),
                fence -> step.apply(responder(spec, controlPlane).fencedBy(fence::beforeWrite)));
    }

    /** Who holds the lease: the budget-response execution, or a direct invocation. */
    private static String holder(Input input) {
        return input.string("executionId", "budget-response (direct invocation)");
    }

    private BudgetResponder responder(EnvironmentSpec spec, ControlPlane controlPlane) {
        AwsClients aws = controlPlane.aws(spec);
        return new BudgetResponder(spec.environment(), aws, store(spec, controlPlane), clock);
    }

    private static OverrideStore store(EnvironmentSpec spec, ControlPlane controlPlane) {
        return new OverrideStore(controlPlane.hub().s3(), controlPlane.settings().reportBucket(spec), spec.environment());
    }

    private static Map<String, Object> override(OverrideRecord o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("status", o.status().name());
        m.put("logicalId", o.logicalId());
        m.put("changes", o.changes().stream().map(c -> Map.of("path", c.path(), "before", c.before(), "after", c.after())).toList());
        m.put("expiresAt", o.expiresAt().toString());
        if (o.restoredAt() != null) m.put("restoredAt", o.restoredAt().toString());
        return m;
    }

    private static Map<String, Object> cost(ServiceCost c) {
        return Map.of("service", c.service(), "amount", c.amount().toPlainString(), "unit", c.unit() == null ? "USD" : c.unit());
    }

    /** A parsed alert: a budget ladder plan or an anomaly decision. */
    private record Alert(EventKind kind, BudgetLadder.Plan budget, AnomalyResponse anomaly) {
        /** Whether responding may cap a node group (a write that needs the environment's lease). */
        boolean caps() {
            return budget != null && budget.actions().stream().anyMatch(a -> a instanceof BudgetAction.CapNodeGroup);
        }

        /** The account the alert was raised in (the budget's or the anomaly's account). */
        static String account(String payload) {
            try {
                return switch (EventKind.of(payload)) {
                    case BUDGET -> BudgetAlertParser.parse(payload).accountId();
                    case ANOMALY -> {
                        String account = CostAnomalyParser.parse(payload).accountId();
                        if (account == null) throw new BadInputException("alert rejected: the anomaly names no account (accountId)");
                        yield account;
                    }
                    case SECURITY -> throw new BadInputException("alert rejected: a CloudTrail event is for the security-response"
                            + " state machine, not budget-response");
                };
            } catch (EventParseException e) {
                throw new BadInputException("alert rejected: " + e.getMessage());
            }
        }

        static Alert parse(String payload, EnvironmentSpec spec) {
            try {
                EventKind kind = EventKind.of(payload);
                return switch (kind) {
                    case BUDGET -> new Alert(kind, BudgetLadder.plan(BudgetAlertParser.parse(payload), spec), null);
                    case ANOMALY -> new Alert(kind, null, AnomalyResponse.decide(CostAnomalyParser.parse(payload), spec));
                    case SECURITY -> throw new BadInputException("alert rejected: a CloudTrail event is for the security-response"
                            + " state machine, not budget-response");
                };
            } catch (EventParseException e) {
                throw new BadInputException("alert rejected: " + e.getMessage());
            }
        }
    }
}
