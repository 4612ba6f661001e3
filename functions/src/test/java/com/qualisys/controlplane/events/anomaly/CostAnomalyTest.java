package com.qualisys.controlplane.events.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Cost Anomaly Detection alerts by both documented routes, and the response to them. */
class CostAnomalyTest {
    private final EnvironmentSpec dev = TestSpecs.load("dev");

    @Test
    void theSnsMessageGivesServiceImpactRootCausesAndDates() throws Exception {
        CostAnomaly a = CostAnomalyParser.parse(Samples.text("anomaly/sns-message.json"));
        assertThat(a.route()).isEqualTo(CostAnomaly.Route.SNS);
        assertThat(a.anomalyId()).isEqualTo("4d3c2b1a-abcd-ef12-3456-987654321a12");
        assertThat(a.service()).isEqualTo("Amazon Elastic Compute Cloud - Compute");
        assertThat(a.totalImpact()).isEqualByComparingTo("254.7");
        assertThat(a.maxImpact()).isEqualByComparingTo("96.4");
        assertThat(a.startDate()).isEqualTo(LocalDate.of(2024, 5, 26));
        assertThat(a.endDate()).isEqualTo(LocalDate.of(2024, 5, 28));
        assertThat(a.monitorArn()).isEqualTo("arn:aws:ce::123456789012:anomalymonitor/9f1e2d3c-1234-4ea0-84cc-918a97d736ef");
        assertThat(a.rootCauses()).extracting(CostAnomaly.RootCause::usageType).containsExactly("BoxUsage:c5.xlarge", "NatGateway-Bytes");
        assertThat(a.rootCauses().getFirst().region()).isEqualTo("us-east-1");
        assertThat(a.rootCauses().getFirst().linkedAccount()).isEqualTo("123456789012");
    }

    @Test
    void theEventBridgeRouteReadsTheSameAnomalyPlusTheMonitorName() throws Exception {
        CostAnomaly sns = CostAnomalyParser.parse(Samples.text("anomaly/sns-message.json"));
        CostAnomaly eb = CostAnomalyParser.parse(Samples.text("anomaly/eventbridge-event.json"));
        assertThat(eb.route()).isEqualTo(CostAnomaly.Route.EVENTBRIDGE);
        assertThat(eb.monitorName()).isEqualTo("qualisys-all-services");
        assertThat(eb.service()).isEqualTo(sns.service());
        assertThat(eb.totalImpact()).isEqualByComparingTo(sns.totalImpact());
        assertThat(eb.rootCauses()).isEqualTo(sns.rootCauses());
    }

    @Test
    void anAnomalyAboveTheFiftyDollarThresholdStartsADriftCheckAndIsNotified() throws Exception {
        AnomalyResponse r = AnomalyResponse.decide(CostAnomalyParser.parse(Samples.text("anomaly/eventbridge-event.json")), dev);
        assertThat(r.startDriftCheck()).isTrue();
        assertThat(r.notification().subject()).isEqualTo("[dev] Cost anomaly: Amazon Elastic Compute Cloud - Compute +$254.70");
        assertThat(r.notification().body()).contains("Amazon Elastic Compute Cloud - Compute in us-east-1, account 123456789012 (qualisys-dev), usage type BoxUsage:c5.xlarge, $201.3")
                .contains("a drift check of every layer was requested");
    }

    @Test
    void aSmallAnomalyInsideTheLambdaSnsEventIsOnlyNotified() throws Exception {
        AnomalyResponse r = AnomalyResponse.decide(CostAnomalyParser.parse(Samples.text("anomaly/sns-lambda-event-small.json")), dev);
        assertThat(r.anomaly().service()).isEqualTo("Amazon Simple Storage Service");
        assertThat(r.startDriftCheck()).isFalse();
        assertThat(r.reason()).isEqualTo("impact $21.0 is below the $50 threshold");
    }

    @Test
    void malformedAlertsAreRejectedNamingTheField() {
        String sns = Samples.text("anomaly/sns-message.json");
        assertThatThrownBy(() -> CostAnomalyParser.parse(sns.replace("\"totalImpact\": 254.7", "\"totalImpact\": \"254.7\"")))
                .isInstanceOf(EventParseException.class).hasMessage("impact.totalImpact \"254.7\" is not a number (it is a string)");
        assertThatThrownBy(() -> CostAnomalyParser.parse(sns.replace("anomalymonitor/", "budget/")))
                .isInstanceOf(EventParseException.class).hasMessageStartingWith("monitorArn \"arn:aws:ce::123456789012:budget/");
        String eb = Samples.text("anomaly/eventbridge-event.json");
        assertThatThrownBy(() -> CostAnomalyParser.parse(eb.replace("\"aws.ce\"", "\"aws.budgets\"")))
                .isInstanceOf(EventParseException.class).hasMessage("source \"aws.budgets\" is not aws.ce");
        assertThatThrownBy(() -> CostAnomalyParser.parse(eb.substring(0, eb.length() / 2)))
                .isInstanceOf(EventParseException.class).hasMessageStartingWith("alert is not valid JSON at line").hasMessageEndingWith("it ends early (truncated)");
        assertThatThrownBy(() -> CostAnomalyParser.parse("{\"anomalyId\": \"a\", \"anomalyId\": \"b\"}"))
                .isInstanceOf(EventParseException.class).hasMessageEndingWith("a field appears twice");
    }
}
