package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qualisys.controlplane.aws.AwsClients;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.budgets.BudgetsClient;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.BudgetsException;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.NotificationWithSubscribers;
import software.amazon.awssdk.services.budgets.model.Subscriber;

/**
 * The Budgets stub answers the operations moto does implement the way moto does, through the
 * real SDK client, so the layer's Budgets code is tested against one consistent service.
 */
class BudgetsStubAgreesWithMotoTest {
    private static final String ACCOUNT = "123456789012";

    private static final Budget BUDGET = Budget.builder().budgetName("agreement-500").budgetType("COST").timeUnit("MONTHLY")
            .budgetLimit(l -> l.amount(new BigDecimal("500")).unit("USD")).build();
    private static final Notification AT_80 = Notification.builder().notificationType("ACTUAL").comparisonOperator("GREATER_THAN")
            .threshold(80.0).thresholdType("PERCENTAGE").build();
    private static final Notification AT_150 = Notification.builder().notificationType("FORECASTED").comparisonOperator("GREATER_THAN")
            .threshold(150.0).thresholdType("PERCENTAGE").build();
    private static final Subscriber TOPIC = Subscriber.builder().subscriptionType("SNS").address("arn:aws:sns:us-east-1:" + ACCOUNT + ":t").build();

    /** What the layer reads back after the calls it makes, as a comparable summary. */
    private static List<String> exercise(BudgetsClient budgets) {
        budgets.createBudget(r -> r.accountId(ACCOUNT).budget(BUDGET)
                .notificationsWithSubscribers(NotificationWithSubscribers.builder().notification(AT_80).subscribers(TOPIC).build()));
        String duplicate = errorCode(() -> budgets.createBudget(r -> r.accountId(ACCOUNT).budget(BUDGET)));
        budgets.createNotification(r -> r.accountId(ACCOUNT).budgetName("agreement-500").notification(AT_150).subscribers(TOPIC));
        Budget described = budgets.describeBudgets(r -> r.accountId(ACCOUNT)).budgets().stream()
                .filter(b -> b.budgetName().equals("agreement-500")).findFirst().orElseThrow();
        List<Notification> notifications = budgets.describeNotificationsForBudget(r -> r.accountId(ACCOUNT).budgetName("agreement-500")).notifications();
        budgets.deleteNotification(r -> r.accountId(ACCOUNT).budgetName("agreement-500").notification(AT_80));
        List<Notification> afterDelete = budgets.describeNotificationsForBudget(r -> r.accountId(ACCOUNT).budgetName("agreement-500")).notifications();
        String missing = errorCode(() -> budgets.describeBudget(r -> r.accountId(ACCOUNT).budgetName("no-such-budget")));
        budgets.deleteBudget(r -> r.accountId(ACCOUNT).budgetName("agreement-500"));
        int left = (int) budgets.describeBudgets(r -> r.accountId(ACCOUNT)).budgets().stream().filter(b -> b.budgetName().equals("agreement-500")).count();
        Function<List<Notification>, List<String>> keys = l -> l.stream()
                .map(n -> n.notificationTypeAsString() + " " + n.comparisonOperatorAsString() + " " + n.threshold() + " " + n.thresholdTypeAsString()).sorted().toList();
        return List.of(
                "limit " + described.budgetLimit().amount().stripTrailingZeros().toPlainString() + " " + described.budgetLimit().unit(),
                "time unit " + described.timeUnitAsString() + ", type " + described.budgetTypeAsString(),
                "has time period " + (described.timePeriod() != null && described.timePeriod().start() != null),
                "notifications " + keys.apply(notifications),
                "after delete " + keys.apply(afterDelete),
                "duplicate create: " + duplicate,
                "unknown budget: " + missing,
                "left after delete: " + left);
    }

    private static String errorCode(Runnable call) {
        BudgetsException e = catchThrowableOfType(BudgetsException.class, call::run);
        return e == null ? "no error" : e.awsErrorDetails().errorCode();
    }

    @Test
    void createDescribeNotifyAndDeleteAnswerAlikeInMotoAndInTheStub() {
        List<String> moto;
        try (AwsClients aws = MotoServer.shared().clients()) {
            moto = exercise(aws.budgets());
        }
        List<String> stub;
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto(new BudgetsApiStub()); AwsClients aws = door.clients()) {
            stub = exercise(aws.budgets());
        }
        assertThat(stub).isEqualTo(moto);
        assertThat(stub).contains("limit 500 USD", "duplicate create: DuplicateRecordException", "unknown budget: NotFoundException");
    }
}
