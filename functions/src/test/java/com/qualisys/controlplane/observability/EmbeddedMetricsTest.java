package com.qualisys.controlplane.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedMetricsTest {
    private static final long NOW = 1_796_000_000_000L;

    @Test
    void oneValidDocumentPerEnvironmentAndLayerWithRepeatedValuesAddedUp() throws Exception {
        EmbeddedMetrics metrics = new EmbeddedMetrics()
                .add(ControlPlaneMetric.CHANGES_APPLIED, "dev", "vpc", 3)
                .add(ControlPlaneMetric.API_CALLS, "dev", "vpc", 40)
                .add(ControlPlaneMetric.API_CALLS, "dev", "vpc", 2)
                .add(ControlPlaneMetric.DRIFT_FOUND, "dev", "iam", 0)
                .add(ControlPlaneMetric.REMEDIATIONS, "dev", 1);
        List<JsonNode> docs = lines(metrics, Map.of("correlation_id", "run-7"));

        assertThat(docs).hasSize(3).allSatisfy(d -> assertThat(EmfDocuments.violations(d)).isEmpty());
        JsonNode vpc = docs.get(0);
        assertThat(vpc.get("Environment").asText()).isEqualTo("dev");
        assertThat(vpc.get("Layer").asText()).isEqualTo("vpc");
        assertThat(vpc.get("ChangesApplied").asDouble()).isEqualTo(3);
        assertThat(vpc.get("ApiCalls").asDouble()).isEqualTo(42);
        assertThat(vpc.get("correlation_id").asText()).isEqualTo("run-7");
        JsonNode directive = vpc.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo(ControlPlaneMetric.NAMESPACE);
        assertThat(Json.mapper().convertValue(directive.get("Dimensions"), List.class))
                .isEqualTo(List.of(List.of("Environment", "Layer"), List.of("Environment")));
        assertThat(vpc.get("_aws").get("Timestamp").asLong()).isEqualTo(NOW);
        assertThat(docs.get(1).get("DriftFound").asDouble()).as("a drift check that found nothing still reports 0").isZero();
        JsonNode env = docs.get(2);
        assertThat(env.has("Layer")).isFalse();
        assertThat(env.get("Remediations").asDouble()).isEqualTo(1);
        assertThat(Json.mapper().convertValue(env.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions"), List.class))
                .isEqualTo(List.of(List.of("Environment")));
        assertThat(lines(metrics, Map.of())).as("written once, then forgotten").isEmpty();
    }

    @Test
    void aMetricIsRecordedOnlyAtItsOwnLevel() {
        EmbeddedMetrics metrics = new EmbeddedMetrics();
        assertThatThrownBy(() -> metrics.add(ControlPlaneMetric.CHANGES_APPLIED, "dev", 1)).hasMessageContaining("ChangesApplied");
        assertThatThrownBy(() -> metrics.add(ControlPlaneMetric.BUDGET_RESPONSES, "dev", "vpc", 1)).hasMessageContaining("BudgetResponses");
    }

    @Test
    void aPropertyNeverReplacesADimensionOrAMetric() throws Exception {
        EmbeddedMetrics metrics = new EmbeddedMetrics().add(ControlPlaneMetric.CHANGES_APPLIED, "dev", "vpc", 2);
        JsonNode doc = lines(metrics, Map.of("Environment", "prod", "ChangesApplied", "x")).get(0);
        assertThat(doc.get("Environment").asText()).isEqualTo("dev");
        assertThat(doc.get("ChangesApplied").asDouble()).isEqualTo(2);
    }

    @Test
    void outsideAnInvocationTheRecorderWritesNothingAndDuringWritesAfterAFailureToo() {
        EmbeddedMetrics.current().add(ControlPlaneMetric.REMEDIATIONS, "dev", 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EmbeddedMetrics.during(out, Map.of(), () -> {
            EmbeddedMetrics.current().add(ControlPlaneMetric.CHANGES_APPLIED, "dev", "vpc", 5);
            throw new IllegalStateException("the apply failed after 5 changes");
        })).hasMessageContaining("5 changes");
        String written = bytes.toString(StandardCharsets.UTF_8);
        assertThat(written.lines().toList()).hasSize(1);
        assertThat(written).contains("\"ChangesApplied\":5").doesNotContain("Remediations");
    }

    /** The checker itself: documents broken on purpose, each the way a careless writer would break it. */
    @Test
    void theRulesRejectDocumentsCloudWatchWouldNotExtract() throws Exception {
        JsonNode valid = lines(new EmbeddedMetrics().add(ControlPlaneMetric.API_CALLS, "dev", "vpc", 4), Map.of()).get(0);
        assertThat(EmfDocuments.violations(valid)).isEmpty();

        ObjectNode noValue = valid.deepCopy();
        noValue.remove("ApiCalls");
        assertThat(EmfDocuments.violations(noValue)).anyMatch(v -> v.contains("ApiCalls has no value"));

        ObjectNode numericDimension = valid.deepCopy();
        numericDimension.put("Layer", 7);
        assertThat(EmfDocuments.violations(numericDimension)).anyMatch(v -> v.contains("dimension Layer"));

        ObjectNode secondsTimestamp = valid.deepCopy();
        ((ObjectNode) secondsTimestamp.get("_aws")).put("Timestamp", "2026-12-02T21:00:00Z");
        assertThat(EmfDocuments.violations(secondsTimestamp)).anyMatch(v -> v.contains("Timestamp"));

        ObjectNode badUnit = valid.deepCopy();
        ((ObjectNode) badUnit.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0)).put("Unit", "calls");
        assertThat(EmfDocuments.violations(badUnit)).anyMatch(v -> v.contains("unknown Unit"));

        ObjectNode stringValue = valid.deepCopy();
        stringValue.put("ApiCalls", "4");
        assertThat(EmfDocuments.violations(stringValue)).anyMatch(v -> v.contains("not a number"));
    }

    private static List<JsonNode> lines(EmbeddedMetrics metrics, Map<String, String> properties) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        metrics.write(new PrintStream(bytes, true, StandardCharsets.UTF_8), NOW, properties);
        List<JsonNode> docs = new java.util.ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) docs.add(Json.mapper().readTree(line));
        return docs;
    }
}
