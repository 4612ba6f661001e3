package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The AWS Budgets API (JSON 1.1, target prefix AWSBudgetServiceGateway) as its API reference
 * documents it (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Operations_AWS_Budgets.html),
 * for the operations moto 5.2.5 lacks: UpdateBudget, DescribeSubscribersForNotification,
 * CreateSubscriber and DeleteSubscriber. A service's state cannot be split between moto and a stub,
 * so this answers every Budgets operation the control plane uses; {@code BudgetsStubAgreesWithMotoTest}
 * checks that it answers the operations moto does have the way moto does.
 *
 * <p>What it validates, as the reference does, before it changes anything:
 * <ul>
 *   <li>AccountId: required, {@code \d{12}}, and the caller's own account (AccessDeniedException
 *       otherwise); every account has its own budgets.</li>
 *   <li>BudgetName: 1–100 characters, pattern {@code ^(?![^:\\]*&#47;action/)[^:\\]+$}; unique per account.</li>
 *   <li>Budget: BudgetType and TimeUnit required and from their enums; BudgetLimit or
 *       PlannedBudgetLimits, not both (CreateBudget, "Only one of BudgetLimit or PlannedBudgetLimits").</li>
 *   <li>Notification (API_budgets_Notification): NotificationType ACTUAL|FORECASTED, ComparisonOperator
 *       GREATER_THAN|LESS_THAN|EQUAL_TO, Threshold 0–1000000000, ThresholdType PERCENTAGE|ABSOLUTE_VALUE.</li>
 *   <li>Limits (CreateBudget.NotificationsWithSubscribers, API_budgets_NotificationWithSubscribers):
 *       up to {@value #MAX_NOTIFICATIONS_PER_BUDGET} notifications per budget, one SNS and up to ten
 *       e-mail subscribers per notification; beyond them CreationLimitExceededException, and a
 *       Subscribers array outside 1–11 items InvalidParameterException.</li>
 *   <li>CreateBudget is all-or-nothing: the budget and its notifications are validated before any is stored.</li>
 *   <li>Lists page with MaxResults (DescribeBudgets 1–1000, the notification and subscriber lists
 *       1–100) and NextToken; a token this service did not issue for that list is InvalidNextTokenException.</li>
 * </ul>
 * Unknown budgets, notifications and subscribers are NotFoundException; amounts come back as decimal
 * strings ("500.0").
 */
public final class BudgetsApiStub implements AwsApiFrontDoor.Responder {
    /** "A budget can have up to five notifications" (CreateBudget, NotificationsWithSubscribers). */
    public static final int MAX_NOTIFICATIONS_PER_BUDGET = 5;
    /** "one SNS subscriber and up to 10 email subscribers" per notification (NotificationWithSubscribers). */
    public static final Map<String, Integer> MAX_SUBSCRIBERS_BY_TYPE = Map.of("SNS", 1, "EMAIL", 10);

    private static final String PREFIX = "AWSBudgetServiceGateway.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern BUDGET_NAME = Pattern.compile("^(?![^:\\\\]*/action/)[^:\\\\]+$");
    private static final Set<String> BUDGET_TYPES = Set.of("USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE",
            "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE");
    private static final Set<String> TIME_UNITS = Set.of("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM");
    private static final Set<String> NOTIFICATION_TYPES = Set.of("ACTUAL", "FORECASTED");
    private static final Set<String> COMPARISON_OPERATORS = Set.of("GREATER_THAN", "LESS_THAN", "EQUAL_TO");
    private static final Set<String> THRESHOLD_TYPES = Set.of("PERCENTAGE", "ABSOLUTE_VALUE");
    private static final Set<String> NOTIFICATION_STATES = Set.of("ALARM", "OK");

    /** One account's budgets, by name, each with its notifications. */
    private final Map<String, Map<String, BudgetEntry>> accounts = new LinkedHashMap<>();
    private final int pageSize;

    private record BudgetEntry(ObjectNode budget, List<NotificationEntry> notifications) {}

    private record NotificationEntry(ObjectNode notification, List<ObjectNode> subscribers) {}

    /** A documented error: its code (the __type) and message. */
    private static final class Refused extends RuntimeException {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    public BudgetsApiStub() {
        this(100);
    }

    public BudgetsApiStub(int pageSize) {
        this.pageSize = pageSize;
    }

    public synchronized void reset() {
        accounts.clear();
    }

    /** How many budgets an account has (for tests that count resources). */
    public synchronized int budgetCount(String account) {
        return accounts.getOrDefault(account, Map.of()).size();
    }

    @Override
    public synchronized Optional<StubResponse> answer(StubRequest request) {
        if (!request.target().startsWith(PREFIX)) return Optional.empty();
        String op = request.target().substring(PREFIX.length());
        JsonNode in = request.json();
        try {
            Map<String, BudgetEntry> budgets = account(in, request.callerAccount(), op);
            return Optional.of(switch (op) {
                case "CreateBudget" -> createBudget(budgets, in);
                case "DescribeBudgets" -> page(budgets.values().stream().map(e -> (JsonNode) e.budget()).toList(), in, "Budgets",
                        "budgets:" + in.get("AccountId").asText(), 1000);
                case "DescribeBudget" -> ok(JSON.createObjectNode().set("Budget", budget(budgets, in).budget().deepCopy()));
                case "UpdateBudget" -> updateBudget(budgets, in);
                case "DeleteBudget" -> {
                    budgets.remove(budget(budgets, in).budget().get("BudgetName").asText());
                    yield ok(JSON.createObjectNode());
                }
                case "CreateNotification" -> createNotification(budget(budgets, in), in);
                case "DeleteNotification" -> withNotification(budgets, in, (entry, n) -> {
                    entry.notifications().remove(n);
                    return ok(JSON.createObjectNode());
                });
                case "DescribeNotificationsForBudget" -> {
                    BudgetEntry b = budget(budgets, in);
                    yield page(b.notifications().stream().map(e -> (JsonNode) e.notification()).toList(), in, "Notifications",
                            "notifications:" + in.get("AccountId").asText() + ":" + in.get("BudgetName").asText(), 100);
                }
                case "DescribeSubscribersForNotification" -> withNotification(budgets, in, (entry, n) ->
                        page(n.subscribers().stream().map(s -> (JsonNode) s).toList(), in, "Subscribers",
                                "subscribers:" + in.get("AccountId").asText() + ":" + in.get("BudgetName").asText() + ":" + key(n.notification()), 100));
                case "CreateSubscriber" -> withNotification(budgets, in, (entry, n) -> createSubscriber(n, in.get("Subscriber")));
                case "DeleteSubscriber" -> withNotification(budgets, in, (entry, n) -> {
                    ObjectNode s = subscriber(in.get("Subscriber"), "Subscriber");
                    if (!n.subscribers().removeIf(x -> sameSubscriber(x, s))) {
                        throw new Refused("NotFoundException", "Subscriber " + s.get("Address").asText() + " does not exist for this notification");
                    }
                    return ok(JSON.createObjectNode());
                });
                default -> throw new Refused("InvalidParameterException", "the test stub does not implement Budgets." + op);
            });
        } catch (Refused r) {
            return Optional.of(StubResponse.jsonError(r.code, r.getMessage()));
        }
    }

    /** AccountId: required, 12 digits, the caller's own (API reference, every operation's AccountId). */
    private Map<String, BudgetEntry> account(JsonNode in, String caller, String op) {
        String id = required(in, "AccountId").asText();
        if (!ACCOUNT_ID.matcher(id).matches()) {
            throw new Refused("InvalidParameterException", "AccountId " + id + " must be 12 digits");
        }
        if (!id.equals(caller)) {
            throw new Refused("AccessDeniedException", "User in account " + caller + " is not authorized to perform: budgets:"
                    + op + " on account " + id);
        }
        return accounts.computeIfAbsent(id, k -> new LinkedHashMap<>());
    }

    private StubResponse createBudget(Map<String, BudgetEntry> budgets, JsonNode in) {
        JsonNode budget = required(in, "Budget");
        validateBudget(budget);
        String name = budget.get("BudgetName").asText();
        if (budgets.containsKey(name)) {
            throw new Refused("DuplicateRecordException", "Error creating budget: " + name + " - the budget already exists.");
        }
        // All-or-nothing: every notification is checked before the budget is stored.
        List<NotificationEntry> notifications = new ArrayList<>();
        JsonNode requested = in.path("NotificationsWithSubscribers");
        if (requested.size() > MAX_NOTIFICATIONS_PER_BUDGET) {
            throw new Refused("CreationLimitExceededException", "a budget can have up to " + MAX_NOTIFICATIONS_PER_BUDGET
                    + " notifications, " + requested.size() + " requested");
        }
        for (JsonNode n : requested) {
            NotificationEntry entry = notification(required(n, "Notification"), required(n, "Subscribers"));
            if (notifications.stream().anyMatch(e -> key(e.notification()).equals(key(entry.notification())))) {
                throw new Refused("DuplicateRecordException", "the notification " + key(entry.notification()) + " is given twice");
            }
            notifications.add(entry);
        }
        budgets.put(name, new BudgetEntry(stored(budget), notifications));
        return ok(JSON.createObjectNode());
    }

    private StubResponse updateBudget(Map<String, BudgetEntry> budgets, JsonNode in) {
        JsonNode budget = required(in, "NewBudget");
        validateBudget(budget);
        String name = budget.get("BudgetName").asText();
        BudgetEntry entry = budgets.get(name);
        if (entry == null) throw new Refused("NotFoundException", "Unable to update budget: " + name + " - the budget doesn't exist.");
        budgets.put(name, new BudgetEntry(stored(budget), entry.notifications()));
        return ok(JSON.createObjectNode());
    }

    private StubResponse createNotification(BudgetEntry budget, JsonNode in) {
        NotificationEntry entry = notification(required(in, "Notification"), required(in, "Subscribers"));
        if (find(budget, entry.notification()).isPresent()) {
            throw new Refused("DuplicateRecordException", "the notification already exists for budget " + budget.budget().get("BudgetName").asText());
        }
        if (budget.notifications().size() >= MAX_NOTIFICATIONS_PER_BUDGET) {
            throw new Refused("CreationLimitExceededException", "budget " + budget.budget().get("BudgetName").asText() + " already has "
                    + MAX_NOTIFICATIONS_PER_BUDGET + " notifications, the most a budget can have");
        }
        budget.notifications().add(entry);
        return ok(JSON.createObjectNode());
    }

    private StubResponse createSubscriber(NotificationEntry n, JsonNode requested) {
        ObjectNode s = subscriber(requested, "Subscriber");
        if (n.subscribers().stream().anyMatch(x -> sameSubscriber(x, s))) {
            throw new Refused("DuplicateRecordException", "the subscriber already exists for this notification");
        }
        List<ObjectNode> after = new ArrayList<>(n.subscribers());
        after.add(s);
        checkSubscriberLimits(after);
        n.subscribers().add(s);
        return ok(JSON.createObjectNode());
    }

    private static void validateBudget(JsonNode budget) {
        String name = required(budget, "BudgetName").asText();
        budgetName(name);
        oneOf(budget, "BudgetType", BUDGET_TYPES, true);
        oneOf(budget, "TimeUnit", TIME_UNITS, true);
        boolean limit = budget.hasNonNull("BudgetLimit");
        boolean planned = budget.hasNonNull("PlannedBudgetLimits") && !budget.get("PlannedBudgetLimits").isEmpty();
        if (limit && planned) {
            throw new Refused("InvalidParameterException", "Only one of BudgetLimit or PlannedBudgetLimits can be present, budget " + name + " has both");
        }
        if (!limit && !planned) {
            throw new Refused("InvalidParameterException", "Unable to create/update budget - please provide one of the followings:"
                    + " Budget Limit/ Planned Budget Limit/ Auto Adjust Data");
        }
        if (limit) {
            JsonNode amount = required(budget.get("BudgetLimit"), "Amount");
            required(budget.get("BudgetLimit"), "Unit");
            try {
                if (new BigDecimal(amount.asText()).signum() < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new Refused("InvalidParameterException", "BudgetLimit.Amount " + amount.asText() + " is not a non-negative number");
            }
        }
    }

    private static void budgetName(String name) {
        if (name.isEmpty() || name.length() > 100 || !BUDGET_NAME.matcher(name).matches()) {
            throw new Refused("InvalidParameterException", "BudgetName '" + name + "' must be 1 to 100 characters without ':' or '\\'"
                    + " and must not contain '/action/'");
        }
    }

    /** A notification and its subscribers, validated (API_budgets_Notification, API_budgets_NotificationWithSubscribers). */
    private static NotificationEntry notification(JsonNode notification, JsonNode subscribers) {
        oneOf(notification, "NotificationType", NOTIFICATION_TYPES, true);
        oneOf(notification, "ComparisonOperator", COMPARISON_OPERATORS, true);
        oneOf(notification, "ThresholdType", THRESHOLD_TYPES, false);
        oneOf(notification, "NotificationState", NOTIFICATION_STATES, false);
        JsonNode threshold = required(notification, "Threshold");
        if (!threshold.isNumber() || threshold.asDouble() < 0 || threshold.asDouble() > 1_000_000_000d) {
            throw new Refused("InvalidParameterException", "Notification.Threshold " + threshold + " must be a number from 0 to 1000000000");
        }
        if (!subscribers.isArray() || subscribers.isEmpty() || subscribers.size() > 11) {
            throw new Refused("InvalidParameterException", "Subscribers must have 1 to 11 items, got " + subscribers.size());
        }
        List<ObjectNode> subs = new ArrayList<>();
        for (JsonNode s : subscribers) {
            ObjectNode sub = subscriber(s, "Subscribers[" + subs.size() + "]");
            if (subs.stream().anyMatch(x -> sameSubscriber(x, sub))) {
                throw new Refused("DuplicateRecordException", "subscriber " + sub.get("Address").asText() + " is given twice");
            }
            subs.add(sub);
        }
        checkSubscriberLimits(subs);
        ObjectNode n = notification.deepCopy();
        if (!n.has("ThresholdType")) n.put("ThresholdType", "PERCENTAGE");
        if (!n.has("NotificationState")) n.put("NotificationState", "OK");
        return new NotificationEntry(n, subs);
    }

    private static ObjectNode subscriber(JsonNode s, String field) {
        if (s == null || !s.isObject()) throw new Refused("InvalidParameterException", field + " is required");
        oneOf(s, "SubscriptionType", MAX_SUBSCRIBERS_BY_TYPE.keySet(), true);
        String address = required(s, "Address").asText();
        if (address.isEmpty() || address.contains("\n") || address.contains("\r")) {
            throw new Refused("InvalidParameterException", field + ".Address must be non-empty and without line breaks");
        }
        return s.deepCopy();
    }

    private static void checkSubscriberLimits(List<ObjectNode> subscribers) {
        for (var limit : MAX_SUBSCRIBERS_BY_TYPE.entrySet()) {
            long count = subscribers.stream().filter(s -> s.get("SubscriptionType").asText().equals(limit.getKey())).count();
            if (count > limit.getValue()) {
                throw new Refused("CreationLimitExceededException", "a notification can have " + limit.getValue() + " " + limit.getKey()
                        + " subscriber(s) at most, this would make " + count);
            }
        }
    }

    private static JsonNode required(JsonNode in, String field) {
        JsonNode v = in == null ? null : in.get(field);
        if (v == null || v.isNull()) throw new Refused("InvalidParameterException", field + " is required");
        return v;
    }

    private static void oneOf(JsonNode in, String field, Set<String> allowed, boolean isRequired) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            if (isRequired) throw new Refused("InvalidParameterException", field + " is required");
            return;
        }
        if (!allowed.contains(v.asText())) {
            throw new Refused("InvalidParameterException", field + " '" + v.asText() + "' is not one of " + new java.util.TreeSet<>(allowed));
        }
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
        // Like moto: a CalculatedSpend given at creation is kept (the tests' stand-in for the billing data AWS computes).
        if (!b.has("CalculatedSpend")) {
            ObjectNode spend = b.putObject("CalculatedSpend");
            spend.putObject("ActualSpend").put("Amount", "0.0").put("Unit", "USD");
        }
        b.put("LastUpdatedTime", System.currentTimeMillis() / 1000.0);
        return b;
    }

    /** One page of a list; tokens name the list they were issued for, so another list's token is refused. */
    private StubResponse page(List<JsonNode> items, JsonNode in, String field, String list, int maxAllowed) {
        int max = pageSize;
        if (in.hasNonNull("MaxResults")) {
            int asked = in.get("MaxResults").asInt();
            if (asked < 1 || asked > maxAllowed) {
                throw new Refused("InvalidParameterException", "MaxResults " + asked + " must be from 1 to " + maxAllowed);
            }
            max = Math.min(asked, pageSize);
        }
        int start = in.hasNonNull("NextToken") ? offset(in.get("NextToken").asText(), list, items.size()) : 0;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode array = out.putArray(field);
        int end = Math.min(items.size(), start + max);
        for (int i = start; i < end; i++) array.add(items.get(i).deepCopy());
        if (end < items.size()) out.put("NextToken", token(list, end));
        return ok(out);
    }

    private static String token(String list, int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((list + "#" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token, String list, int size) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
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

    private BudgetEntry budget(Map<String, BudgetEntry> budgets, JsonNode in) {
        String name = required(in, "BudgetName").asText();
        budgetName(name);
        BudgetEntry b = budgets.get(name);
        if (b == null) throw new Refused("NotFoundException", "Unable to get budget: " + name + " - the budget doesn't exist.");
        return b;
    }

    private StubResponse withNotification(Map<String, BudgetEntry> budgets, JsonNode in, BiFunction<BudgetEntry, NotificationEntry, StubResponse> then) {
        BudgetEntry b = budget(budgets, in);
        JsonNode wanted = required(in, "Notification");
        NotificationEntry n = find(b, wanted).orElseThrow(() -> new Refused("NotFoundException",
                "the notification " + key(wanted) + " does not exist for budget " + b.budget().get("BudgetName").asText()));
        return then.apply(b, n);
    }

    private static Optional<NotificationEntry> find(BudgetEntry budget, JsonNode n) {
        String key = key(n);
        return budget.notifications().stream().filter(e -> key(e.notification()).equals(key)).findFirst();
    }

    /** A notification's identity: type, operator, threshold and threshold type (DescribeSubscribersForNotification). */
    private static String key(JsonNode n) {
        return n.path("NotificationType").asText() + "/" + n.path("ComparisonOperator").asText() + "/"
                + BigDecimal.valueOf(n.path("Threshold").asDouble()).stripTrailingZeros().toPlainString() + "/"
                + n.path("ThresholdType").asText("PERCENTAGE");
    }

    private static boolean sameSubscriber(JsonNode a, JsonNode b) {
        return a.path("SubscriptionType").asText().equals(b.path("SubscriptionType").asText())
                && a.path("Address").asText().equals(b.path("Address").asText());
    }

    private static StubResponse ok(JsonNode body) {
        return StubResponse.json(200, body);
    }
}
