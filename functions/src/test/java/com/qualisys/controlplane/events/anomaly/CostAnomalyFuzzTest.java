package com.qualisys.controlplane.events.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.FuzzFigures;
import com.qualisys.controlplane.events.Mutations;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;

/** Mutated anomaly alerts (SNS message, Lambda SNS event, EventBridge event) are rejected or decided, never crash. */
class CostAnomalyFuzzTest {
    static final FuzzFigures FIGURES = new FuzzFigures("Cost Anomaly Detection alerts");
    static final EnvironmentSpec DEV = TestSpecs.load("dev");

    @AfterContainer
    static void figures() {
        FIGURES.report();
    }

    @Provide
    Arbitrary<String> alerts() {
        String lambda = Samples.text("anomaly/sns-lambda-event-small.json");
        String inner;
        try {
            inner = new ObjectMapper().readTree(lambda).at("/Records/0/Sns/Message").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Arbitraries.oneOf(
                Mutations.ofJson(Samples.text("anomaly/sns-message.json")),
                Mutations.ofJson(Samples.text("anomaly/eventbridge-event.json")),
                Mutations.ofJson(lambda),
                Mutations.ofJson(inner).map(m -> snsEvent(lambda, m)));
    }

    private static String snsEvent(String template, String message) {
        try {
            ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(template);
            ((ObjectNode) tree.at("/Records/0/Sns")).put("Message", message);
            return tree.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 1500, seed = "20240529")
    void aMutatedAlertIsEitherRejectedOrDecided(@ForAll("alerts") String payload) {
        FIGURES.tried.incrementAndGet();
        try {
            AnomalyResponse r = AnomalyResponse.decide(CostAnomalyParser.parse(payload), DEV);
            FIGURES.accepted.incrementAndGet();
            Statistics.collect("accepted");
            assertThat(r.notification().subject()).isNotBlank();
        } catch (EventParseException e) {
            FIGURES.rejected.incrementAndGet();
            Statistics.collect("rejected");
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).hasSizeLessThan(700);
        }
    }
}
