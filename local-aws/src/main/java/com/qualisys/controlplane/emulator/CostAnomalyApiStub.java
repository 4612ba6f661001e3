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
 * <p>Documented rules it enforces: a DIMENSIONAL monitor needs a MonitorDimension; a subscription's
 * monitors must exist (UnknownMonitorException); IMMEDIATE subscriptions notify only SNS topics and
 * DAILY/WEEKLY ones only e-mail addresses; names are not unique (two creates make two). Lists page
 * with NextPageToken; the page size is small on purpose so callers must follow it.
 */
public final class CostAnomalyApiStub implements AwsApiFrontDoor.Responder {
    private static final String PREFIX = "AWSInsightsIndexService.";
    private static final Set<String> OPERATIONS = Set.of("CreateAnomalyMonitor", "GetAnomalyMonitors", "UpdateAnomalyMonitor",
            "DeleteAnomalyMonitor", "CreateAnomalySubscription", "GetAnomalySubscriptions", "UpdateAnomalySubscription",
            "DeleteAnomalySubscription");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String account;
    private final int pageSize;
    private final Clock clock;
    private final Map<String, ObjectNode> monitors = new LinkedHashMap<>();
    private final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
    private long created;

    public CostAnomalyApiStub() {
        this("123456789012", 1, Clock.systemUTC());
    }

    public CostAnomalyApiStub(String account, int pageSize, Clock clock) {
        this.account = account;
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
        return Optional.of(switch (op) {
            case "CreateAnomalyMonitor" -> createMonitor(in.get("AnomalyMonitor"));
            case "GetAnomalyMonitors" -> list(monitors, in, "MonitorArnList", "AnomalyMonitors", "UnknownMonitorException", null);
            case "UpdateAnomalyMonitor" -> withMonitor(in, m -> {
                if (in.hasNonNull("MonitorName")) m.put("MonitorName", in.get("MonitorName").asText());
                m.put("LastUpdatedDate", now());
                return StubResponse.json(200, Map.of("MonitorArn", m.get("MonitorArn").asText()));
            });
            case "DeleteAnomalyMonitor" -> withMonitor(in, m -> {
                monitors.remove(m.get("MonitorArn").asText());
                return StubResponse.json(200, Map.of());
            });
            case "CreateAnomalySubscription" -> createSubscription(in.get("AnomalySubscription"));
            case "GetAnomalySubscriptions" -> list(subscriptions, in, "SubscriptionArnList", "AnomalySubscriptions", "UnknownSubscriptionException",
                    in.hasNonNull("MonitorArn") ? in.get("MonitorArn").asText() : null);
            case "UpdateAnomalySubscription" -> updateSubscription(in);
            case "DeleteAnomalySubscription" -> withSubscription(in, s -> {
                subscriptions.remove(s.get("SubscriptionArn").asText());
                return StubResponse.json(200, Map.of());
            });
            default -> throw new IllegalStateException(op);
        });
    }

    private StubResponse createMonitor(JsonNode spec) {
        if (spec == null || !spec.hasNonNull("MonitorName") || !spec.hasNonNull("MonitorType")) {
            return StubResponse.jsonError("ValidationException", "AnomalyMonitor needs MonitorName and MonitorType");
        }
        if (spec.get("MonitorType").asText().equals("DIMENSIONAL") && !spec.hasNonNull("MonitorDimension")) {
            return StubResponse.jsonError("ValidationException", "a DIMENSIONAL monitor needs a MonitorDimension");
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

    private StubResponse createSubscription(JsonNode spec) {
        if (spec == null || !spec.hasNonNull("SubscriptionName") || !spec.hasNonNull("Frequency")
                || !spec.has("MonitorArnList") || !spec.has("Subscribers")) {
            return StubResponse.jsonError("ValidationException", "AnomalySubscription needs SubscriptionName, Frequency, MonitorArnList and Subscribers");
        }
        Optional<StubResponse> invalid = validate(spec.get("Frequency").asText(), spec.get("MonitorArnList"), spec.get("Subscribers"));
        if (invalid.isPresent()) return invalid.get();
        ObjectNode s = spec.deepCopy();
        String arn = "arn:aws:ce::" + account + ":anomalysubscription/" + UUID.randomUUID();
        s.put("SubscriptionArn", arn);
        s.put("AccountId", account);
        subscriptions.put(arn, s);
        return StubResponse.json(200, Map.of("SubscriptionArn", arn));
    }

    private StubResponse updateSubscription(JsonNode in) {
        return withSubscription(in, s -> {
            String frequency = in.hasNonNull("Frequency") ? in.get("Frequency").asText() : s.get("Frequency").asText();
            JsonNode monitorArns = in.has("MonitorArnList") ? in.get("MonitorArnList") : s.get("MonitorArnList");
            JsonNode subscribers = in.has("Subscribers") ? in.get("Subscribers") : s.get("Subscribers");
            Optional<StubResponse> invalid = validate(frequency, monitorArns, subscribers);
            if (invalid.isPresent()) return invalid.get();
            s.put("Frequency", frequency);
            s.set("MonitorArnList", monitorArns.deepCopy());
            s.set("Subscribers", subscribers.deepCopy());
            if (in.has("ThresholdExpression")) s.set("ThresholdExpression", in.get("ThresholdExpression").deepCopy());
            if (in.has("Threshold")) s.set("Threshold", in.get("Threshold").deepCopy());
            if (in.hasNonNull("SubscriptionName")) s.put("SubscriptionName", in.get("SubscriptionName").asText());
            return StubResponse.json(200, Map.of("SubscriptionArn", s.get("SubscriptionArn").asText()));
        });
    }

    /** IMMEDIATE goes to SNS only; DAILY and WEEKLY to e-mail only (API reference, AnomalySubscription.Frequency). */
    private Optional<StubResponse> validate(String frequency, JsonNode monitorArns, JsonNode subscribers) {
        for (JsonNode arn : monitorArns) {
            if (!monitors.containsKey(arn.asText())) {
                return Optional.of(StubResponse.jsonError("UnknownMonitorException", "Monitor " + arn.asText() + " does not exist"));
            }
        }
        String wanted = frequency.equals("IMMEDIATE") ? "SNS" : "EMAIL";
        for (JsonNode s : subscribers) {
            if (!s.path("Type").asText().equals(wanted)) {
                return Optional.of(StubResponse.jsonError("ValidationException", frequency + " subscriptions accept only " + wanted
                        + " subscribers, not " + s.path("Type").asText()));
            }
        }
        return Optional.empty();
    }

    private StubResponse list(Map<String, ObjectNode> all, JsonNode in, String filterField, String field, String unknownError, String monitorArn) {
        List<JsonNode> items = new ArrayList<>();
        if (in.has(filterField) && in.get(filterField).size() > 0) {
            for (JsonNode arn : in.get(filterField)) {
                ObjectNode item = all.get(arn.asText());
                if (item == null) return StubResponse.jsonError(unknownError, arn.asText() + " does not exist");
                items.add(item);
            }
        } else {
            items.addAll(all.values());
        }
        if (monitorArn != null) {
            items.removeIf(s -> {
                for (JsonNode a : s.path("MonitorArnList")) if (a.asText().equals(monitorArn)) return false;
                return true;
            });
        }
        int max = Math.min(in.path("MaxResults").asInt(pageSize), pageSize);
        int start = in.hasNonNull("NextPageToken") ? Integer.parseInt(in.get("NextPageToken").asText()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode array = out.putArray(field);
        int end = Math.min(items.size(), start + max);
        for (int i = start; i < end; i++) array.add(items.get(i).deepCopy());
        if (end < items.size()) out.put("NextPageToken", Integer.toString(end));
        return StubResponse.json(200, out);
    }

    private StubResponse withMonitor(JsonNode in, java.util.function.Function<ObjectNode, StubResponse> then) {
        ObjectNode m = monitors.get(in.path("MonitorArn").asText());
        return m == null ? StubResponse.jsonError("UnknownMonitorException", "Monitor " + in.path("MonitorArn").asText() + " does not exist")
                : then.apply(m);
    }

    private StubResponse withSubscription(JsonNode in, java.util.function.Function<ObjectNode, StubResponse> then) {
        ObjectNode s = subscriptions.get(in.path("SubscriptionArn").asText());
        return s == null ? StubResponse.jsonError("UnknownSubscriptionException", "Subscription " + in.path("SubscriptionArn").asText() + " does not exist")
                : then.apply(s);
    }

    /** Creation dates as the API documents them (yyyy-MM-ddTHH:mm:ssZ), strictly increasing so the oldest is well defined. */
    private String now() {
        Instant t = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(created++);
        return t.toString();
    }
}
