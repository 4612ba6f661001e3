package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The oracle is a model, not the parser: a notification is generated from known values (budget,
 * account, date, type, period, limit, threshold as an amount or a percentage, reported cost),
 * written in the text AWS Budgets publishes (the samples in test resources), and the parsed fields
 * must equal the model's. Every well-formed notification must be accepted: the acceptance rate is
 * asserted, so a parser that rejects valid input fails as surely as one that misreads it.
 */
class BudgetAlertModelFuzzTest {
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final DateTimeFormatter HEADER_DATE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US);

    record Model(String budgetName, String accountId, LocalDate notifiedOn, BudgetAlert.AlertType type, BudgetPeriod period,
                 BigDecimal limit, BigDecimal threshold, boolean percent, BigDecimal amount) {}

    @Provide
    Arbitrary<Model> notifications() {
        return Builders.withBuilder(() -> new Object[9])
                .use(Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.").ofMinLength(1).ofMaxLength(60)
                        .filter(s -> !s.isBlank())).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.strings().numeric().ofLength(12)).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.integers().between(0, 3650)).in((a, v) -> { a[2] = LocalDate.of(2020, 1, 1).plusDays(v); return a; })
                .use(Arbitraries.of(BudgetAlert.AlertType.class)).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.of(BudgetPeriod.class)).in((a, v) -> { a[4] = v; return a; })
                .use(cents(100, 100_000_000)).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.integers().between(1, 500)).in((a, v) -> { a[6] = BigDecimal.valueOf(v); return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[7] = v; return a; })
                .use(cents(0, 500_000_000)).in((a, v) -> { a[8] = v; return a; })
                .build(a -> {
                    BigDecimal limit = (BigDecimal) a[5];
                    boolean percent = (Boolean) a[7];
                    BigDecimal pct = (BigDecimal) a[6];
                    BigDecimal threshold = percent ? pct : limit.multiply(pct).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP);
                    return new Model((String) a[0], (String) a[1], (LocalDate) a[2], (BudgetAlert.AlertType) a[3], (BudgetPeriod) a[4],
                            limit, threshold, percent, (BigDecimal) a[8]);
                });
    }

    private static Arbitrary<BigDecimal> cents(long min, long max) {
        return Arbitraries.longs().between(min, max).map(c -> BigDecimal.valueOf(c, 2));
    }

    /** The notification text as AWS Budgets writes it (thousands separators, two decimals). */
    static String render(Model m) {
        DecimalFormat money = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US));
        String threshold = m.percent() ? m.threshold().toPlainString() + "%" : "$" + money.format(m.threshold());
        String when = switch (m.period()) {
            case DAILY -> "per day";
            case MONTHLY -> "for the current month";
            case QUARTERLY -> "for the current quarter";
            case ANNUALLY -> "for the current year";
        };
        return "AWS Budget Notification " + HEADER_DATE.format(m.notifiedOn()) + "\n"
                + "AWS Account " + m.accountId() + "\n\nDear AWS Customer,\n\n"
                + "You requested that we alert you when the " + m.type() + " Cost associated with your " + m.budgetName()
                + " budget is greater than " + threshold + " " + when + ". The " + m.type() + " Cost associated with this budget is $"
                + money.format(m.amount()) + ". You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\n"
                + "Budget Name: " + m.budgetName() + "\nBudget Type: Cost\nBudgeted Amount: $" + money.format(m.limit()) + "\n"
                + "Alert Type: " + m.type() + "\nAlert Threshold: > " + threshold + "\n" + m.type() + " Amount: $" + money.format(m.amount())
                + "\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n";
    }

    @Property(tries = 1000, seed = "20261202")
    void theParsedNotificationHasTheModelsValues(@ForAll("notifications") Model m) throws Exception {
        TRIED.incrementAndGet();
        BudgetAlert a = BudgetAlertParser.parse(render(m));
        ACCEPTED.incrementAndGet();
        assertThat(a.budgetName()).isEqualTo(m.budgetName());
        assertThat(a.accountId()).isEqualTo(m.accountId());
        assertThat(a.notifiedOn()).isEqualTo(m.notifiedOn());
        assertThat(a.alertType()).isEqualTo(m.type());
        assertThat(a.period()).isEqualTo(m.period());
        assertThat(a.budgetLimit()).isEqualByComparingTo(m.limit());
        assertThat(a.threshold().percent()).isEqualTo(m.percent());
        assertThat(a.threshold().value()).isEqualByComparingTo(m.threshold());
        assertThat(a.amount()).isEqualByComparingTo(m.amount());
    }

    @AfterContainer
    static void acceptanceRate() {
        System.out.println("Budget notifications from the model: " + ACCEPTED.get() + " of " + TRIED.get() + " accepted");
        assertThat(TRIED.get()).isGreaterThanOrEqualTo(1000);
        assertThat(ACCEPTED.get()).as("well-formed notifications accepted").isEqualTo(TRIED.get());
    }
}
