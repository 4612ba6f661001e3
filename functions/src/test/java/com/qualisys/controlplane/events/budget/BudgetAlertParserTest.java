package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Samples;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** AWS Budgets notifications in the plain-text shape AWS publishes to SNS. */
class BudgetAlertParserTest {

    @Test
    void theEightyPercentActualAlertOfTheFiveHundredDollarBudget() throws Exception {
        BudgetAlert a = BudgetAlertParser.parse(Samples.text("budget/actual-80-percent.txt"));
        assertThat(a.budgetName()).isEqualTo("qualisys-monthly-500");
        assertThat(a.accountId()).isEqualTo("123456789012");
        assertThat(a.notifiedOn()).isEqualTo(LocalDate.of(2024, 5, 20));
        assertThat(a.alertType()).isEqualTo(BudgetAlert.AlertType.ACTUAL);
        assertThat(a.budgetLimit()).isEqualByComparingTo("500");
        assertThat(a.threshold()).isEqualTo(new BudgetAlert.Threshold(new BigDecimal("400.00"), false));
        assertThat(a.thresholdPercent()).isEqualByComparingTo("80");
        assertThat(a.amount()).isEqualByComparingTo("412.37");
        assertThat(a.period()).isEqualTo(BudgetPeriod.MONTHLY);
        assertThat(a.periodStart()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(a.periodEnd()).isEqualTo(LocalDate.of(2024, 6, 1));
    }

    @Test
    void theHundredPercentAlertArrivesInsideTheLambdaSnsEvent() throws Exception {
        BudgetAlert a = BudgetAlertParser.parse(Samples.text("budget/actual-100-percent-sns-event.json"));
        assertThat(a.thresholdPercent()).isEqualByComparingTo("100");
        assertThat(a.amount()).isEqualByComparingTo("503.18");
        assertThat(a.notifiedOn()).isEqualTo(LocalDate.of(2024, 5, 29));
    }

    @Test
    void aForecastWithThousandsSeparators() throws Exception {
        BudgetAlert a = BudgetAlertParser.parse(Samples.text("budget/forecasted-150-percent.txt"));
        assertThat(a.alertType()).isEqualTo(BudgetAlert.AlertType.FORECASTED);
        assertThat(a.budgetLimit()).isEqualByComparingTo("1000");
        assertThat(a.threshold().value()).isEqualByComparingTo("1500");
        assertThat(a.thresholdPercent()).isEqualByComparingTo("150");
        assertThat(a.amount()).isEqualByComparingTo("1612.40");
    }

    @Test
    void aDailyBudgetsPeriodIsTheDay() throws Exception {
        BudgetAlert a = BudgetAlertParser.parse(Samples.text("budget/daily-budget.txt"));
        assertThat(a.period()).isEqualTo(BudgetPeriod.DAILY);
        assertThat(a.periodEnd()).isEqualTo(LocalDate.of(2024, 3, 5));
    }

    @Test
    void aPercentageThresholdIsAccepted() throws Exception {
        String text = Samples.text("budget/actual-80-percent.txt").replace("Alert Threshold: > $400.00", "Alert Threshold: > 80%");
        BudgetAlert a = BudgetAlertParser.parse(text);
        assertThat(a.threshold()).isEqualTo(new BudgetAlert.Threshold(new BigDecimal("80"), true));
        assertThat(a.threshold().amountOf(a.budgetLimit())).isEqualByComparingTo("400");
    }

    @Test
    void badMessagesAreRejectedNamingTheFieldAndValue() {
        String ok = Samples.text("budget/actual-80-percent.txt");
        assertThatThrownBy(() -> BudgetAlertParser.parse(ok.replace("Budgeted Amount: $500.00\n", "")))
                .isInstanceOf(EventParseException.class).hasMessage("Budgeted Amount is missing (a line \"Budgeted Amount: ...\")");
        assertThatThrownBy(() -> BudgetAlertParser.parse(ok.replace("Alert Type: ACTUAL", "Alert Type: MAYBE")))
                .isInstanceOf(EventParseException.class).hasMessage("Alert Type \"MAYBE\" is not ACTUAL or FORECASTED");
        assertThatThrownBy(() -> BudgetAlertParser.parse(ok.replace("ACTUAL Amount: $412.37", "ACTUAL Amount: 412 EUR")))
                .isInstanceOf(EventParseException.class).hasMessage("ACTUAL Amount \"412 EUR\" is not a USD amount like $1,234.56");
        assertThatThrownBy(() -> BudgetAlertParser.parse(ok.replace("Budget Type: Cost", "Budget Type: Usage")))
                .isInstanceOf(EventParseException.class).hasMessage("Budget Type \"Usage\" is not Cost: only cost budgets drive responses");
        assertThatThrownBy(() -> BudgetAlertParser.parse(ok.substring(0, 60)))
                .isInstanceOf(EventParseException.class).hasMessageStartingWith("AWS Account is missing");
        assertThatThrownBy(() -> BudgetAlertParser.parse("{\"Records\": []}"))
                .isInstanceOf(EventParseException.class).hasMessage("Records (0 records) must hold exactly one SNS record");
        assertThatThrownBy(() -> BudgetAlertParser.parse("x".repeat(300_000)))
                .isInstanceOf(EventParseException.class).hasMessage("message (300000 bytes) is larger than the 262144-byte limit of EventBridge and SNS");
    }
}
