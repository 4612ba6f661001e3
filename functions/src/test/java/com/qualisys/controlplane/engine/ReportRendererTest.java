package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportRendererTest {
    private final Report drift = new Report("dev", "drift", Instant.parse("2026-11-28T20:00:00Z"), List.of(
            new Plan("dev", "vpc", List.of(new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-1",
                    List.of(new Difference("ingress", List.of("tcp:5432:ref:vpc/security-group/k8s-nodes"),
                            List.of("tcp:5432:0.0.0.0/0", "tcp:5432:ref:vpc/security-group/k8s-nodes")))))),
            new Plan("dev", "iam", List.of())), Map.of("Ec2.DescribeSecurityGroups", 1));

    @Test
    void jsonHasTheDocumentedStableShape() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportRenderer.json(drift));
        assertThat(json.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(json.get("kind").asText()).isEqualTo("drift");
        assertThat(json.get("changes").asInt()).isEqualTo(1);
        JsonNode change = json.get("layers").get(0).get("changes").get(0);
        assertThat(change.get("logicalId").asText()).isEqualTo("vpc/security-group/rds");
        assertThat(change.get("action").asText()).isEqualTo("UPDATE");
        assertThat(change.get("differences").get(0).get("actual").get(0).asText()).isEqualTo("tcp:5432:0.0.0.0/0");
        assertThat(json.get("layers").get(0).get("summary").get("UPDATE").asInt()).isEqualTo(1);
        assertThat(json.get("apiCalls").get("Ec2.DescribeSecurityGroups").asInt()).isEqualTo(1);
    }

    @Test
    void markdownAndTextNameTheResourceAndBothValues() {
        assertThat(ReportRenderer.markdown(drift)).contains("`vpc/security-group/rds`", "tcp:5432:0.0.0.0/0", "## Layer `iam`", "No drift.");
        assertThat(ReportRenderer.text(drift)).contains("~ vpc/security-group/rds", "~ ingress:", "- tcp:5432:0.0.0.0/0", "iam: no drift");
    }

    @Test
    void overridesAreListedApartFromDriftInEveryRendering() throws Exception {
        Overridden capped = new Overridden("eks/node-group/playwright-pool", new Difference("scaling.maxSize", 20, 5),
                "qualisys-monthly-500-2024-05-01-cap-playwright-pool", "budget qualisys-monthly-500 reached $500.00");
        Report report = new Report("dev", "drift", Instant.parse("2026-11-28T20:00:00Z"),
                List.of(new Plan("dev", "eks", List.of(), List.of(capped))), Map.of());

        JsonNode json = new ObjectMapper().readTree(ReportRenderer.json(report));
        assertThat(json.get("changes").asInt()).isZero();
        assertThat(json.get("overrides").asInt()).isEqualTo(1);
        JsonNode o = json.get("layers").get(0).get("overridden").get(0);
        assertThat(o.get("logicalId").asText()).isEqualTo("eks/node-group/playwright-pool");
        assertThat(o.get("path").asText()).isEqualTo("scaling.maxSize");
        assertThat(o.get("expected").asInt()).isEqualTo(20);
        assertThat(o.get("actual").asInt()).isEqualTo(5);
        assertThat(o.get("overrideId").asText()).isEqualTo("qualisys-monthly-500-2024-05-01-cap-playwright-pool");
        assertThat(ReportRenderer.markdown(report)).contains("No drift.", "Intentional overrides",
                "| `eks/node-group/playwright-pool` | `scaling.maxSize` | 20 | 5 | `qualisys-monthly-500-2024-05-01-cap-playwright-pool` |");
        assertThat(ReportRenderer.text(report)).contains("No drift. 1 intentional override(s) in place (not drift).",
                "eks: no drift (1 intentional override)",
                "= eks/node-group/playwright-pool scaling.maxSize: 5 (spec 20), override qualisys-monthly-500-2024-05-01-cap-playwright-pool");
        assertThat(new ObjectMapper().readTree(ReportRenderer.json(drift)).get("layers").get(0).get("overridden").size()).isZero();
    }
}
