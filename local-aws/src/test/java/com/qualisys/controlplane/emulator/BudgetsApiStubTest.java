package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qualisys.controlplane.aws.AwsClients;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.budgets.BudgetsClient;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.BudgetsException;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.NotificationWithSubscribers;
import software.amazon.awssdk.services.budgets.model.Spend;
import software.amazon.awssdk.services.budgets.model.Subscriber;

/**
 * The Budgets stub's limits and errors, each from the AWS Budgets API reference, through the real
 * SDK client: the documented CreateBudget example, account scoping, the subscriber and notification
 * limits, all-or-nothing creates and pagination tokens.
 */
class BudgetsApiStubTest {
    private static final String ACCOUNT = AwsApiFrontDoor.DEFAULT_ACCOUNT;
    private static final String OTHER_ACCOUNT = "210987654321";
    private static final BudgetsApiStub STUB = new BudgetsApiStub(2);
    private static AwsApiFrontDoor door;
    private static AwsClients aws;
    private static AwsClients other;

    @BeforeAll
    static void start() {
        door = AwsApiFrontDoor.inFrontOfMoto(STUB);
        aws = door.clients();
        other = door.clients(MotoServer.inAccount(OTHER_ACCOUNT));
    }

    @AfterAll
    static void stop() {
        other.close();
        aws.close();
        door.close();
    }

    @BeforeEach
    void empty() {
        STUB.reset();
    }

    private static BudgetsClient budgets() {
        return aws.budgets();
    }

    private static Budget cost(String name) {
        return Budget.builder().budgetName(name).budgetType("COST").timeUnit("MONTHLY")
                .budgetLimit(l -> l.amount(new BigDecimal("100")).unit("USD")).build();
    }

    private static Notification actual(double threshold) {
        return Notification.builder().notificationType("ACTUAL").comparisonOperator("GREATER_THAN").threshold(threshold)
                .thresholdType("PERCENTAGE").build();
    }

    private static Subscriber email(int i) {
        return Subscriber.builder().subscriptionType("EMAIL").address("owner" + i + "@example.com").build();
    }

    private static Subscriber sns(String name) {
        return Subscriber.builder().subscriptionType("SNS").address("arn:aws:sns:us-east-1:" + ACCOUNT + ":" + name).build();
    }

    private static BudgetsException error(Runnable call) {
        BudgetsException e = catchThrowableOfType(BudgetsException.class, call::run);
        assertThat(e).as("the call must be refused").isNotNull();
        return e;
    }

    /** CreateBudget's documented example (API reference, CreateBudget, Examples): a $100 monthly cost budget with an 80% alert. */
    @Test
    void theReferencesCreateBudgetExampleIsAcceptedAndReadBack() {
        Budget example = Budget.builder().budgetName("Example Tag Budget").budgetType("COST").timeUnit("MONTHLY")
                .budgetLimit(Spend.builder().amount(new BigDecimal("100")).unit("USD").build())
                .costFilters(Map.of("TagKeyValue", List.of("user:Key$value1", "user:Key$value2"))).build();
        budgets().createBudget(r -> r.accountId(ACCOUNT).budget(example).notificationsWithSubscribers(NotificationWithSubscribers.builder()
                .notification(actual(80)).subscribers(Subscriber.builder().subscriptionType("EMAIL").address("example@example.com").build()).build()));

        Budget read = budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("Example Tag Budget")).budget();
        assertThat(read.budgetLimit().amount()).isEqualByComparingTo("100");
        assertThat(read.costFilters()).containsEntry("TagKeyValue", List.of("user:Key$value1", "user:Key$value2"));
        assertThat(budgets().describeSubscribersForNotification(r -> r.accountId(ACCOUNT).budgetName("Example Tag Budget")
                .notification(actual(80))).subscribers()).extracting(Subscriber::address).containsExactly("example@example.com");
    }

    @Test
    void everyAccountHasItsOwnBudgetsAndAnotherAccountsIdIsRefused() {
        budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("shared-name")));
        other.budgets().createBudget(r -> r.accountId(OTHER_ACCOUNT).budget(cost("shared-name").toBuilder()
                .budgetLimit(l -> l.amount(new BigDecimal("7")).unit("USD")).build()));

        assertThat(budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("shared-name")).budget().budgetLimit().amount())
                .isEqualByComparingTo("100");
        assertThat(other.budgets().describeBudget(r -> r.accountId(OTHER_ACCOUNT).budgetName("shared-name")).budget().budgetLimit().amount())
                .isEqualByComparingTo("7");
        assertThat(error(() -> budgets().describeBudgets(r -> r.accountId(OTHER_ACCOUNT))).awsErrorDetails().errorCode())
                .isEqualTo("AccessDeniedException");
        BudgetsException malformed = error(() -> budgets().describeBudgets(r -> r.accountId("12345")));
        assertThat(malformed.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(malformed.awsErrorDetails().errorMessage()).contains("AccountId", "12345");
    }

    @Test
    void aNotificationTakesOneSnsAndTenEmailSubscribersAndNoMore() {
        List<Subscriber> full = new ArrayList<>(IntStream.range(0, 10).mapToObj(BudgetsApiStubTest::email).toList());
        full.add(sns("alerts"));
        budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("full")).notificationsWithSubscribers(
                NotificationWithSubscribers.builder().notification(actual(80)).subscribers(full).build()));

        assertThat(error(() -> budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("full").notification(actual(80))
                .subscriber(email(10)))).awsErrorDetails().errorCode()).isEqualTo("CreationLimitExceededException");
        assertThat(error(() -> budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("full").notification(actual(80))
                .subscriber(sns("second-topic")))).awsErrorDetails().errorCode()).isEqualTo("CreationLimitExceededException");
        // Replacing the topic works within the limit: the old one first, then the new one.
        budgets().deleteSubscriber(r -> r.accountId(ACCOUNT).budgetName("full").notification(actual(80)).subscriber(sns("alerts")));
        budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("full").notification(actual(80)).subscriber(sns("second-topic")));

        List<Subscriber> twelve = new ArrayList<>(full);
        twelve.add(email(11));
        BudgetsException tooMany = error(() -> budgets().createNotification(r -> r.accountId(ACCOUNT).budgetName("full")
                .notification(actual(90)).subscribers(twelve)));
        assertThat(tooMany.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(tooMany.awsErrorDetails().errorMessage()).contains("Subscribers", "1 to 11", "12");
        assertThat(error(() -> budgets().createNotification(r -> r.accountId(ACCOUNT).budgetName("full").notification(actual(90))
                .subscribers(sns("a"), sns("b")))).awsErrorDetails().errorCode()).isEqualTo("CreationLimitExceededException");
    }

    @Test
    void aBudgetHasAtMostFiveNotifications() {
        budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("five")));
        for (int t = 1; t <= BudgetsApiStub.MAX_NOTIFICATIONS_PER_BUDGET; t++) {
            double threshold = t * 10;
            budgets().createNotification(r -> r.accountId(ACCOUNT).budgetName("five").notification(actual(threshold)).subscribers(email(0)));
        }
        assertThat(error(() -> budgets().createNotification(r -> r.accountId(ACCOUNT).budgetName("five").notification(actual(99))
                .subscribers(email(0)))).awsErrorDetails().errorCode()).isEqualTo("CreationLimitExceededException");
    }

    @Test
    void createBudgetIsAllOrNothing() {
        List<NotificationWithSubscribers> six = IntStream.rangeClosed(1, 6).mapToObj(t -> NotificationWithSubscribers.builder()
                .notification(actual(t * 10)).subscribers(email(0)).build()).toList();
        assertThat(error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("too-many")).notificationsWithSubscribers(six)))
                .awsErrorDetails().errorCode()).isEqualTo("CreationLimitExceededException");

        Notification negative = actual(80).toBuilder().threshold(-1.0).build();
        BudgetsException invalid = error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("bad-threshold"))
                .notificationsWithSubscribers(NotificationWithSubscribers.builder().notification(negative).subscribers(email(0)).build())));
        assertThat(invalid.awsErrorDetails().errorMessage()).contains("Threshold", "-1.0");

        for (String name : List.of("too-many", "bad-threshold")) {
            assertThat(error(() -> budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName(name))).awsErrorDetails().errorCode())
                    .as("nothing of %s was stored", name).isEqualTo("NotFoundException");
        }
    }

    @Test
    void fieldsOutsideTheirEnumsAndPatternsAreRefusedNamingFieldAndValue() {
        BudgetsException type = error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("x").toBuilder().budgetType("COSTS").build())));
        assertThat(type.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
        assertThat(type.awsErrorDetails().errorMessage()).contains("BudgetType", "COSTS");
        BudgetsException name = error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("a:b"))));
        assertThat(name.awsErrorDetails().errorMessage()).contains("BudgetName", "a:b");
        BudgetsException both = error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("both").toBuilder()
                .plannedBudgetLimits(Map.of("1735689600", Spend.builder().amount(BigDecimal.TEN).unit("USD").build())).build())));
        assertThat(both.awsErrorDetails().errorMessage()).contains("BudgetLimit", "PlannedBudgetLimits");
        BudgetsException operator = error(() -> budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost("op"))
                .notificationsWithSubscribers(NotificationWithSubscribers.builder()
                        .notification(actual(80).toBuilder().comparisonOperator("GREATER_OR_EQUAL").build()).subscribers(email(0)).build())));
        assertThat(operator.awsErrorDetails().errorMessage()).contains("ComparisonOperator", "GREATER_OR_EQUAL");
    }

    @Test
    void listsPageAndRefuseATokenTheyDidNotIssue() {
        for (String n : List.of("a", "b", "c")) budgets().createBudget(r -> r.accountId(ACCOUNT).budget(cost(n)));
        var first = budgets().describeBudgets(r -> r.accountId(ACCOUNT).maxResults(2));
        assertThat(first.budgets()).extracting(Budget::budgetName).containsExactly("a", "b");
        assertThat(budgets().describeBudgets(r -> r.accountId(ACCOUNT).nextToken(first.nextToken())).budgets())
                .extracting(Budget::budgetName).containsExactly("c");
        assertThat(budgets().describeBudgetsPaginator(r -> r.accountId(ACCOUNT)).budgets().stream().count()).isEqualTo(3);

        assertThat(error(() -> budgets().describeBudgets(r -> r.accountId(ACCOUNT).nextToken("not-a-token"))).awsErrorDetails().errorCode())
                .isEqualTo("InvalidNextTokenException");
        // A token from another list (another budget's notifications) is foreign too.
        for (int t = 1; t <= 3; t++) {
            double threshold = t;
            budgets().createNotification(r -> r.accountId(ACCOUNT).budgetName("a").notification(actual(threshold)).subscribers(email(0)));
        }
        String notificationsToken = budgets().describeNotificationsForBudget(r -> r.accountId(ACCOUNT).budgetName("a")).nextToken();
        assertThat(notificationsToken).isNotNull();
        assertThat(error(() -> budgets().describeBudgets(r -> r.accountId(ACCOUNT).nextToken(notificationsToken))).awsErrorDetails().errorCode())
                .isEqualTo("InvalidNextTokenException");
        assertThat(error(() -> budgets().describeBudgets(r -> r.accountId(ACCOUNT).maxResults(1001))).awsErrorDetails().errorCode())
                .isEqualTo("InvalidParameterException");
    }
}
