package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Cost Anomaly Detection (Cost Explorer, JSON 1.1, target prefix AWSInsightsIndexService), which
 * moto 5.2.5 does not implement, as the AWS API reference documents it: Create/Get/Update/Delete
 * AnomalyMonitor(s) and AnomalySubscription(s). Other Cost Explorer operations (GetCostAndUsage)
 * go on to moto.
 *
 * <p>Documented rules it enforces (API reference: API_AnomalyMonitor, API_AnomalySubscription,
 * API_CreateAnomalySubscription, API_UpdateAnomalySubscription, API_Subscriber): MonitorType
 * DIMENSIONAL|CUSTOM, a DIMENSIONAL monitor needs a MonitorDimension (SERVICE|LINKED_ACCOUNT|TAG|
 * COST_CATEGORY) and a CUSTOM one a MonitorSpecification; an account has one AWS-services (DIMENSIONAL
 * SERVICE) monitor at most (Cost Management user guide, "Cost Anomaly Detection" quotas); Frequency
 * DAILY|IMMEDIATE|WEEKLY; Subscriber Type EMAIL|SNS; a subscription's monitors must exist in the
 * caller's account (UnknownMonitorException); IMMEDIATE subscriptions notify only SNS topics and
 * DAILY/WEEKLY ones only e-mail addresses; "You can specify either Threshold or ThresholdExpression,
 * but not both", and setting one replaces the other (no stale Threshold); names are not unique (two
 * creates make two). Every account has its own monitors and subscriptions, with ARNs in that account
 * (the caller's, as moto decides it). Lists page with NextPageToken; a token not issued for that
 * list is InvalidNextTokenException; the page size is small on purpose so callers must follow it.
 */
public final class CostAnomalyApiStub implements AwsApiFrontDoor.Responder {
    private static final String PREFIX = "AWSInsightsIndexService.";
    private static final Set<String> OPERATIONS = Set.of("CreateAnomalyMonitor", "GetAnomalyMonitors", "UpdateAnomalyMonitor",
            "DeleteAnomalyMonitor", "CreateAnomalySubscription", "GetAnomalySubscriptions", "UpdateAnomalySubscription",
            "DeleteAnomalySubscription");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> MONITOR_TYPES = Set.of("DIMENSIONAL", "CUSTOM");
    private static final Set<String> MONITOR_DIMENSIONS = Set.of("SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY");
    private static final Set<String> FREQUENCIES = Set.of("DAILY", "IMMEDIATE", "WEEKLY");
    private static final Set<String> SUBSCRIBER_TYPES = Set.of("EMAIL", "SNS");

    private final int pageSize;
    private final Clock clock;
    private final Map<String, ObjectNode> monitors = new LinkedHashMap<>();
    private final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
    private long created;

    /** A documented error: its code (the __type) and message. */
    private static final class Refused extends RuntimeException {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    public CostAnomalyApiStub() {
        this(1, Clock.systemUTC());
    }

    public CostAnomalyApiStub(int pageSize, Clock clock) {
        this.pageSize = pageSize;
        this.clock = clock;
    }

    public synchronized void reset() {
        monitors.clear();
        subscriptions.clear();
    }

    public synchronized List<JsonNode> monitors() {
        return List.copyOf(monitors.values());
    }

    public synchronized List<JsonNode> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    @Override
    public synchronized Optional<StubResponse> answer(StubRequest request) {
        if (!request.target().startsWith(PREFIX)) return Optional.empty();
        String op = request.target().substring(PREFIX.length());
        if (!OPERATIONS.contains(op)) return Optional.empty();
        JsonNode in = request.json();
        String account = request.callerAccount();
        try {
            return Optional.of(switch (op) {
                case "CreateAnomalyMonitor" -> createMonitor(account, in.get("AnomalyMonitor"));
                case "GetAnomalyMonitors" -> list(account, monitors, in, "MonitorArnList", "AnomalyMonitors", "UnknownMonitorException", null);
                case "UpdateAnomalyMonitor" -> {
                    ObjectNode m = monitor(account, in);
                    if (in.hasNonNull("MonitorName")) m.put("MonitorName", name(in.get("MonitorName").asText(), "MonitorName"));
                    m.put("LastUpdatedDate", now());
                    yield StubResponse.json(200, Map.of("MonitorArn", m.get("MonitorArn").asText()));
                }
                case "DeleteAnomalyMonitor" -> {
                    monitors.remove(monitor(account, in).get("MonitorArn").asText());
                    yield StubResponse.json(200, Map.of());
                }
                case "CreateAnomalySubscription" -> createSubscription(account, in.get("AnomalySubscription"));
                case "GetAnomalySubscriptions" -> list(account, subscriptions, in, "SubscriptionArnList", "AnomalySubscriptions",
                        "UnknownSubscriptionException", in.hasNonNull("MonitorArn") ? in.get("MonitorArn").asText() : null);
                case "UpdateAnomalySubscription" -> updateSubscription(account, in);
                case "DeleteAnomalySubscription" -> {
                    subscriptions.remove(subscription(account, in).get("SubscriptionArn").asText());
                    yield StubResponse.json(200, Map.of());
                }
                default -> throw new IllegalStateException(op);
            });
        } catch (Refused r) {
            return Optional.of(StubResponse.jsonError(r.code, r.getMessage()));
        }
    }

    private StubResponse createMonitor(String account, JsonNode spec) {
        if (spec == null || !spec.hasNonNull("MonitorName") || !spec.hasNonNull("MonitorType")) {
            throw new Refused("ValidationException", "AnomalyMonitor needs MonitorName and MonitorType");
        }
        name(spec.get("MonitorName").asText(), "MonitorName");
        String type = oneOf(spec, "MonitorType", MONITOR_TYPES);
        if (type.equals("DIMENSIONAL")) {
            if (!spec.hasNonNull("MonitorDimension")) throw new Refused("ValidationException", "a DIMENSIONAL monitor needs a MonitorDimension");
            String dimension = oneOf(spec, "MonitorDimension", MONITOR_DIMENSIONS);
            if (dimension.equals("SERVICE") && monitors.values().stream().anyMatch(m -> inAccount(m, "MonitorArn", account)
                    && m.path("MonitorType").asText().equals("DIMENSIONAL") && m.path("MonitorDimension").asText().equals("SERVICE"))) {
                throw new Refused("ValidationException", "account " + account + " already has an AWS services (DIMENSIONAL SERVICE) monitor;"
                        + " an account can have only one");
            }
        } else if (!spec.hasNonNull("MonitorSpecification")) {
            throw new Refused("ValidationException", "a CUSTOM monitor needs a MonitorSpecification");
        }
        ObjectNode m = spec.deepCopy();
        String arn = "arn:aws:ce::" + account + ":anomalymonitor/" + UUID.randomUUID();
        m.put("MonitorArn", arn);
        m.put("CreationDate", now());
        m.put("LastUpdatedDate", now());
        m.put("DimensionalValueCount", 0);
        monitors.put(arn, m);
        return StubResponse.json(200, Map.of("MonitorArn", arn));
    }

    private StubResponse createSubscription(String account, JsonNode spec) {
        if (spec == null || !spec.hasNonNull("SubscriptionName") || !spec.hasNonNull("Frequency")
                || !spec.has("MonitorArnList") || !spec.has("Subscribers")) {
            throw new Refused("ValidationException", "AnomalySubscription needs SubscriptionName, Frequency, MonitorArnList and Subscribers");
        }
        name(spec.get("SubscriptionName").asText(), "SubscriptionName");
        oneOf(spec, "Frequency", FREQUENCIES);
        thresholds(spec);
        validate(account, spec.get("Frequency").asText(), spec.get("MonitorArnList"), spec.get("Subscribers"));
        ObjectNode s = spec.deepCopy();
        String arn = "arn:aws:ce::" + account + ":anomalysubscription/" + UUID.randomUUID();
        s.put("SubscriptionArn", arn);
        s.put("AccountId", account);
        subscriptions.put(arn, s);
        return StubResponse.json(200, Map.of("SubscriptionArn", arn));
    }

    private StubResponse updateSubscription(String account, JsonNode in) {
        ObjectNode s = subscription(account, in);
        if (in.hasNonNull("Frequency")) oneOf(in, "Frequency", FREQUENCIES);
        thresholds(in);
        String frequency = in.hasNonNull("Frequency") ? in.get("Frequency").asText() : s.get("Frequency").asText();
        JsonNode monitorArns = in.has("MonitorArnList") ? in.get("MonitorArnList") : s.get("MonitorArnList");
        JsonNode subscribers = in.has("Subscribers") ? in.get("Subscribers") : s.get("Subscribers");
        validate(account, frequency, monitorArns, subscribers);
        s.put("Frequency", frequency);
        s.set("MonitorArnList", monitorArns.deepCopy());
        s.set("Subscribers", subscribers.deepCopy());
        // Threshold is shorthand for a ThresholdExpression: setting either replaces the other.
        if (in.has("ThresholdExpression")) {
            s.set("ThresholdExpression", in.get("ThresholdExpression").deepCopy());
            s.remove("Threshold");
        }
        if (in.has("Threshold")) {
            s.set("Threshold", in.get("Threshold").deepCopy());
            s.remove("ThresholdExpression");
        }
        if (in.hasNonNull("SubscriptionName")) s.put("SubscriptionName", name(in.get("SubscriptionName").asText(), "SubscriptionName"));
        return StubResponse.json(200, Map.of("SubscriptionArn", s.get("SubscriptionArn").asText()));
    }

    /** "You can specify either Threshold or ThresholdExpression, but not both" (CreateAnomalySubscription, UpdateAnomalySubscription). */
    private static void thresholds(JsonNode in) {
        if (in.hasNonNull("Threshold") && in.hasNonNull("ThresholdExpression")) {
            throw new Refused("ValidationException", "specify either Threshold or ThresholdExpression, not both (Threshold "
                    + in.get("Threshold") + ", ThresholdExpression " + in.get("ThresholdExpression") + ")");
        }
        if (in.hasNonNull("Threshold") && (!in.get("Threshold").isNumber() || in.get("Threshold").asDouble() < 0)) {
            throw new Refused("ValidationException", "Threshold " + in.get("Threshold") + " must be a number of 0 or more");
        }
    }

    /** IMMEDIATE goes to SNS only; DAILY and WEEKLY to e-mail only (API reference, AnomalySubscription.Frequency). */
    private void validate(String account, String frequency, JsonNode monitorArns, JsonNode subscribers) {
        if (monitorArns == null || !monitorArns.isArray() || monitorArns.isEmpty()) {
            throw new Refused("ValidationException", "MonitorArnList must name at least one monitor");
        }
        for (JsonNode arn : monitorArns) {
            ObjectNode m = monitors.get(arn.asText());
            if (m == null || !inAccount(m, "MonitorArn", account)) {
                throw new Refused("UnknownMonitorException", "Monitor " + arn.asText() + " does not exist");
            }
        }
        if (subscribers == null || !subscribers.isArray() || subscribers.isEmpty()) {
            throw new Refused("ValidationException", "Subscribers must name at least one subscriber");
        }
        String wanted = frequency.equals("IMMEDIATE") ? "SNS" : "EMAIL";
        for (JsonNode s : subscribers) {
            oneOf(s, "Type", SUBSCRIBER_TYPES);
            if (!s.hasNonNull("Address") || s.get("Address").asText().isEmpty()) {
                throw new Refused("ValidationException", "Subscriber.Address is required");
            }
            if (!s.path("Type").asText().equals(wanted)) {
                throw new Refused("ValidationException", frequency + " subscriptions accept only " + wanted
                        + " subscribers, not " + s.path("Type").asText());
            }
        }
    }

    private static String name(String name, String field) {
        if (name.length() > 1024) throw new Refused("ValidationException", field + " must be at most 1024 characters");
        return name;
    }

    private static String oneOf(JsonNode in, String field, Set<String> allowed) {
        String v = in.path(field).asText();
        if (!allowed.contains(v)) {
            throw new Refused("ValidationException", field + " '" + v + "' is not one of " + new java.util.TreeSet<>(allowed));
        }
        return v;
    }

    private static boolean inAccount(JsonNode item, String arnField, String account) {
        return item.path(arnField).asText().startsWith("arn:aws:ce::" + account + ":");
    }

    private StubResponse list(String account, Map<String, ObjectNode> all, JsonNode in, String filterField, String field,
                              String unknownError, String monitorArn) {
        String arnField = field.equals("AnomalyMonitors") ? "MonitorArn" : "SubscriptionArn";
        List<JsonNode> items = new ArrayList<>();
        if (in.has(filterField) && in.get(filterField).size() > 0) {
            for (JsonNode arn : in.get(filterField)) {
                ObjectNode item = all.get(arn.asText());
                if (item == null || !inAccount(item, arnField, account)) throw new Refused(unknownError, arn.asText() + " does not exist");
                items.add(item);
            }
        } else {
            all.values().stream().filter(item -> inAccount(item, arnField, account)).forEach(items::add);
        }
        if (monitorArn != null) {
            items.removeIf(s -> {
                for (JsonNode a : s.path("MonitorArnList")) if (a.asText().equals(monitorArn)) return false;
                return true;
            });
        }
        int max = Math.min(in.path("MaxResults").asInt(pageSize), pageSize);
        String list = field + ":" + account + ":" + monitorArn;
        int start = in.hasNonNull("NextPageToken") ? offset(in.get("NextPageToken").asText(), list, items.size()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode array = out.putArray(field);
        int end = Math.min(items.size(), start + max);
        for (int i = start; i < end; i++) array.add(items.get(i).deepCopy());
        if (end < items.size()) out.put("NextPageToken", java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString((list + "#" + end).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return StubResponse.json(200, out);
    }

    private static int offset(String token, String list, int size) {
        try {
            String decoded = new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
            int hash = decoded.lastIndexOf('#');
            if (hash > 0 && decoded.substring(0, hash).equals(list)) {
                int offset = Integer.parseInt(decoded.substring(hash + 1));
                if (offset >= 0 && offset <= size) return offset;
            }
        } catch (IllegalArgumentException notOurs) {
            // falls through to the documented error
        }
        throw new Refused("InvalidNextTokenException", "The pagination token is invalid.");
    }

    private ObjectNode monitor(String account, JsonNode in) {
        ObjectNode m = monitors.get(in.path("MonitorArn").asText());
        if (m == null || !inAccount(m, "MonitorArn", account)) {
            throw new Refused("UnknownMonitorException", "Monitor " + in.path("MonitorArn").asText() + " does not exist");
        }
        return m;
    }

    private ObjectNode subscription(String account, JsonNode in) {
        ObjectNode s = subscriptions.get(in.path("SubscriptionArn").asText());
        if (s == null || !inAccount(s, "SubscriptionArn", account)) {
            throw new Refused("UnknownSubscriptionException", "Subscription " + in.path("SubscriptionArn").asText() + " does not exist");
        }
        return s;
    }

    /** Creation dates as the API documents them (yyyy-MM-ddTHH:mm:ssZ), strictly increasing so the oldest is well defined. */
    private String now() {
        Instant t = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(created++);
        return t.toString();
    }
}
