package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.ResponsesSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budget action ladder of the repo's specs, decided without I/O. */
class BudgetLadderTest {
    private final EnvironmentSpec dev = TestSpecs.load("dev");

    @Test
    void atEightyPercentTheTopFiveServicesOfTheMonthAreNotified() throws Exception {
        BudgetLadder.Plan plan = BudgetLadder.plan(BudgetAlertParser.parse(Samples.text("budget/actual-80-percent.txt")), dev);
        assertThat(plan.step().atPercent()).isEqualTo(80);
        assertThat(plan.actions()).containsExactly(
                new BudgetAction.NotifyTopServices(5, LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 21)));
    }

    @Test
    void atOneHundredPercentThePlaywrightPoolIsCappedAtItsMinimumAndTheTopServicesNotified() throws Exception {
        BudgetLadder.Plan plan = BudgetLadder.plan(BudgetAlertParser.parse(Samples.text("budget/actual-100-percent-sns-event.json")), dev);
        assertThat(plan.step().atPercent()).isEqualTo(100);
        assertThat(plan.actions()).containsExactly(
                new BudgetAction.CapNodeGroup("eks/node-group/playwright-pool", "qualisys-eks", "qualisys-playwright-pool", 5),
                new BudgetAction.NotifyTopServices(5, LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 30)));
    }

    @Test
    void aForecastNeverCapsAnything() throws Exception {
        String forecast = Samples.text("budget/forecasted-150-percent.txt");
        BudgetLadder.Plan plan = BudgetLadder.plan(BudgetAlertParser.parse(forecast), dev);
        assertThat(plan.actions()).singleElement().isInstanceOf(BudgetAction.NotifyTopServices.class);
    }

    @Test
    void aBudgetTheSpecDoesNotDefineIsOnlyNotified() throws Exception {
        String other = Samples.text("budget/actual-80-percent.txt").replace("qualisys-monthly-500", "someone-elses-budget");
        BudgetLadder.Plan plan = BudgetLadder.plan(BudgetAlertParser.parse(other), dev);
        assertThat(plan.actions()).containsExactly(new BudgetAction.Notify());
        assertThat(plan.notes()).singleElement().asString().contains("not defined in this environment's spec");
    }

    @Test
    void aStepNamingTheBudgetWinsOverTheGeneralStepAtTheSamePercentage() throws Exception {
        BudgetAlert alert = BudgetAlertParser.parse(Samples.text("budget/actual-100-percent-sns-event.json"));
        List<ResponsesSpec.LadderStep> ladder = List.of(
                new ResponsesSpec.LadderStep(100, null, null, List.of("cap-playwright-pool")),
                new ResponsesSpec.LadderStep(100, "qualisys-monthly-500", null, List.of("notify", "start-drift-check")),
                new ResponsesSpec.LadderStep(80, null, null, List.of("notify-top-services")));
        assertThat(BudgetLadder.rung(alert, ladder)).get().extracting(ResponsesSpec.LadderStep::budget).isEqualTo("qualisys-monthly-500");
    }

    @Test
    void belowTheLowestRungOnlyANotification() throws Exception {
        String fifty = Samples.text("budget/actual-80-percent.txt").replace("> $400.00", "> $250.00");
        BudgetLadder.Plan plan = BudgetLadder.plan(BudgetAlertParser.parse(fifty), dev);
        assertThat(plan.step()).isNull();
        assertThat(plan.actions()).containsExactly(new BudgetAction.Notify());
    }
}
