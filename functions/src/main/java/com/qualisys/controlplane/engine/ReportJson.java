package com.qualisys.controlplane.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a report back from its JSON form (docs/report-format.md), e.g. a stored drift report, so
 * it can be rendered as text or Markdown again. The inverse of {@link ReportRenderer#toJson}.
 * Fields added by later versions of the same formatVersion are ignored.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportJson() {}

    /** @param source names the document in errors, e.g. {@code s3://bucket/reports/dev/latest.json} */
    public static Report read(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(source + " is not a report (not a JSON object)");
        int version = root.path("formatVersion").asInt(-1);
        if (version != ReportRenderer.FORMAT_VERSION) {
            throw new IllegalArgumentException(source + ": formatVersion " + root.path("formatVersion")
                    + " is not supported (this build reads " + ReportRenderer.FORMAT_VERSION + ")");
        }
        String environment = text(root, "environment", source);
        List<Plan> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            List<Change> changes = new ArrayList<>();
            for (JsonNode c : layer.path("changes")) {
                List<Difference> differences = new ArrayList<>();
                for (JsonNode d : c.path("differences")) {
                    differences.add(new Difference(text(d, "path", source), value(d.get("expected")), value(d.get("actual"))));
                }
                Action action;
                try {
                    action = Action.valueOf(text(c, "action", source));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": action " + c.get("action") + " of " + c.path("logicalId").asText()
                            + " is not one of CREATE, UPDATE, REPLACE, DELETE");
                }
                changes.add(new Change(text(c, "logicalId", source), text(c, "kind", source), action,
                        c.path("destructive").asBoolean(false), c.hasNonNull("physicalId") ? c.get("physicalId").asText() : null,
                        differences));
            }
            layers.add(new Plan(environment, text(layer, "layer", source), changes));
        }
        Map<String, Integer> apiCalls = new LinkedHashMap<>();
        root.path("apiCalls").fields().forEachRemaining(e -> apiCalls.put(e.getKey(), e.getValue().asInt()));
        Instant generatedAt;
        try {
            generatedAt = Instant.parse(text(root, "generatedAt", source));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": generatedAt " + root.get("generatedAt") + " is not an ISO-8601 instant");
        }
        return new Report(environment, text(root, "kind", source), generatedAt, layers, apiCalls);
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(source + ": field " + field + " is missing or not text");
        return v.asText();
    }

    /** Difference values are plain JSON values: strings, numbers, booleans, lists, maps, null. */
    private static Object value(JsonNode node) {
        return node == null || node.isNull() ? null : JSON.convertValue(node, Object.class);
    }
}
