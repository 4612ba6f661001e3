package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS Budgets API (JSON 1.1, target prefix AWSBudgetServiceGateway) as its API reference
 * documents it, for the operations moto 5.2.5 lacks: UpdateBudget, DescribeSubscribersForNotification,
 * CreateSubscriber and DeleteSubscriber. A service's state cannot be split between moto and a stub,
 * so this answers every Budgets operation the control plane uses; {@code BudgetsStubAgreesWithMotoTest}
 * checks that it answers the operations moto does have the way moto does.
 *
 * <p>Documented behaviour it keeps: budget names are unique per account (DuplicateRecordException);
 * a notification is identified by type, operator, threshold and threshold type; unknown budgets or
 * notifications are NotFoundException; amounts come back as decimal strings ("500.0"); lists page
 * with MaxResults/NextToken.
 */
public final class BudgetsApiStub implements AwsApiFrontDoor.Responder {
    private static final String PREFIX = "AWSBudgetServiceGateway.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ObjectNode> budgets = new LinkedHashMap<>();
    private final Map<String, List<NotificationEntry>> notifications = new LinkedHashMap<>();
    private final int pageSize;

    private record NotificationEntry(ObjectNode notification, List<ObjectNode> subscribers) {}

    public BudgetsApiStub() {
        this(100);
    }

    public BudgetsApiStub(int pageSize) {
        this.pageSize = pageSize;
    }

    public synchronized void reset() {
        budgets.clear();
        notifications.clear();
    }

    @Override
    public synchronized Optional<StubResponse> answer(StubRequest request) {
        if (!request.target().startsWith(PREFIX)) return Optional.empty();
        String op = request.target().substring(PREFIX.length());
        JsonNode in = request.json();
        return Optional.of(switch (op) {
            case "CreateBudget" -> createBudget(in);
            case "DescribeBudgets" -> page(new ArrayList<>(budgets.values()), in, "Budgets");
            case "DescribeBudget" -> withBudget(in, b -> ok(JSON.createObjectNode().set("Budget", b)));
            case "UpdateBudget" -> updateBudget(in);
            case "DeleteBudget" -> withBudget(in, b -> {
                budgets.remove(b.get("BudgetName").asText());
                notifications.remove(b.get("BudgetName").asText());
                return ok(JSON.createObjectNode());
            });
            case "CreateNotification" -> withBudget(in, b -> createNotification(b.get("BudgetName").asText(), in.get("Notification"), in.get("Subscribers")));
            case "DeleteNotification" -> withNotification(in, (list, entry) -> {
                list.remove(entry);
                return ok(JSON.createObjectNode());
            });
            case "DescribeNotificationsForBudget" -> withBudget(in, b -> page(
                    notifications.get(b.get("BudgetName").asText()).stream().map(e -> (JsonNode) e.notification()).toList(), in, "Notifications"));
            case "DescribeSubscribersForNotification" -> withNotification(in, (list, entry) ->
                    page(entry.subscribers().stream().map(s -> (JsonNode) s).toList(), in, "Subscribers"));
            case "CreateSubscriber" -> withNotification(in, (list, entry) -> {
                if (entry.subscribers().stream().anyMatch(s -> s.equals(in.get("Subscriber")))) {
                    return StubResponse.jsonError("DuplicateRecordException", "the subscriber already exists for this notification");
                }
                entry.subscribers().add((ObjectNode) in.get("Subscriber").deepCopy());
                return ok(JSON.createObjectNode());
            });
            case "DeleteSubscriber" -> withNotification(in, (list, entry) -> {
                if (!entry.subscribers().removeIf(s -> s.equals(in.get("Subscriber")))) {
                    return StubResponse.jsonError("NotFoundException", "the subscriber does not exist for this notification");
                }
                return ok(JSON.createObjectNode());
            });
            default -> StubResponse.jsonError("InvalidParameterException", "the test stub does not implement Budgets." + op);
        });
    }

    private StubResponse createBudget(JsonNode in) {
        JsonNode budget = in.get("Budget");
        String name = budget.path("BudgetName").asText();
        if (budgets.containsKey(name)) {
            return StubResponse.jsonError("DuplicateRecordException", "Error creating budget: " + name + " - the budget already exists.");
        }
        if (!budget.has("BudgetLimit") && !budget.has("PlannedBudgetLimits")) {
            return StubResponse.jsonError("InvalidParameterException", "Unable to create/update budget - please provide one of the followings: Budget Limit/ Planned Budget Limit/ Auto Adjust Data");
        }
        budgets.put(name, stored(budget));
        notifications.put(name, new ArrayList<>());
        for (JsonNode n : in.path("NotificationsWithSubscribers")) {
            StubResponse r = createNotification(name, n.get("Notification"), n.get("Subscribers"));
            if (r.status() != 200) return r;
        }
        return ok(JSON.createObjectNode());
    }

    private StubResponse updateBudget(JsonNode in) {
        JsonNode budget = in.get("NewBudget");
        String name = budget.path("BudgetName").asText();
        if (!budgets.containsKey(name)) return notFound("Unable to update budget: " + name + " - the budget doesn't exist.");
        budgets.put(name, stored(budget));
        return ok(JSON.createObjectNode());
    }

    private StubResponse createNotification(String budget, JsonNode notification, JsonNode subscribers) {
        List<NotificationEntry> list = notifications.get(budget);
        if (find(list, notification).isPresent()) {
            return StubResponse.jsonError("DuplicateRecordException", "the notification already exists for budget " + budget);
        }
        if (subscribers == null || !subscribers.isArray() || subscribers.isEmpty() || subscribers.size() > 11) {
            return StubResponse.jsonError("InvalidParameterException", "a notification needs 1 to 11 subscribers");
        }
        ObjectNode n = notification.deepCopy();
        if (!n.has("ThresholdType")) n.put("ThresholdType", "PERCENTAGE");
        n.put("NotificationState", "OK");
        List<ObjectNode> subs = new ArrayList<>();
        subscribers.forEach(s -> subs.add(s.deepCopy()));
        list.add(new NotificationEntry(n, subs));
        return ok(JSON.createObjectNode());
    }

    /** The budget as AWS stores it: amounts as decimal strings, defaults filled in. */
    private static ObjectNode stored(JsonNode budget) {
        ObjectNode b = budget.deepCopy();
        if (b.has("BudgetLimit")) {
            ObjectNode limit = (ObjectNode) b.get("BudgetLimit");
            BigDecimal amount = new BigDecimal(limit.get("Amount").asText());
            limit.put("Amount", (amount.scale() < 1 ? amount.setScale(1) : amount).toPlainString());
        }
        if (!b.has("TimePeriod")) {
            ObjectNode period = b.putObject("TimePeriod");
            period.put("Start", LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC));
            period.put("End", 3706473600L);
        }
        ObjectNode spend = b.putObject("CalculatedSpend");
        spend.putObject("ActualSpend").put("Amount", "0.0").put("Unit", "USD");
        b.put("LastUpdatedTime", System.currentTimeMillis() / 1000.0);
        return b;
    }

    private StubResponse page(List<JsonNode> items, JsonNode in, String field) {
        int max = in.path("MaxResults").asInt(pageSize);
        int start = in.hasNonNull("NextToken") ? Integer.parseInt(in.get("NextToken").asText()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode array = out.putArray(field);
        int end = Math.min(items.size(), start + Math.min(max, pageSize));
        for (int i = start; i < end; i++) array.add(items.get(i).deepCopy());
        if (end < items.size()) out.put("NextToken", Integer.toString(end));
        return ok(out);
    }

    private StubResponse withBudget(JsonNode in, java.util.function.Function<ObjectNode, StubResponse> then) {
        ObjectNode b = budgets.get(in.path("BudgetName").asText());
        if (b == null) return notFound("Unable to get budget: " + in.path("BudgetName").asText() + " - the budget doesn't exist.");
        return then.apply(b);
    }

    private StubResponse withNotification(JsonNode in, java.util.function.BiFunction<List<NotificationEntry>, NotificationEntry, StubResponse> then) {
        return withBudget(in, b -> {
            List<NotificationEntry> list = notifications.get(b.get("BudgetName").asText());
            Optional<NotificationEntry> entry = find(list, in.get("Notification"));
            return entry.isEmpty() ? notFound("the notification does not exist for budget " + b.get("BudgetName").asText())
                    : then.apply(list, entry.get());
        });
    }

    private static Optional<NotificationEntry> find(List<NotificationEntry> list, JsonNode n) {
        return list.stream().filter(e -> sameNotification(e.notification(), n)).findFirst();
    }

    private static boolean sameNotification(JsonNode a, JsonNode b) {
        return a.path("NotificationType").asText().equals(b.path("NotificationType").asText())
                && a.path("ComparisonOperator").asText().equals(b.path("ComparisonOperator").asText())
                && a.path("Threshold").asDouble() == b.path("Threshold").asDouble()
                && a.path("ThresholdType").asText("PERCENTAGE").equals(b.path("ThresholdType").asText("PERCENTAGE"));
    }

    private static StubResponse notFound(String message) {
        return StubResponse.jsonError("NotFoundException", message);
    }

    private static StubResponse ok(JsonNode body) {
        return StubResponse.json(200, body);
    }
}
