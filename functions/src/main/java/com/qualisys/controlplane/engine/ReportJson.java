package com.qualisys.controlplane.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole report back from its JSON form (docs/report-format.md), e.g. a stored drift
 * report, so it can be rendered as text or Markdown again: the inverse of
 * {@link ReportRenderer#toJson}. Each layer is read by {@link PlanJson}.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = Json.mapper();

    private ReportJson() {}

    /** @param source names the document in errors, e.g. {@code s3://bucket/reports/dev/latest.json} */
    @SuppressWarnings("unchecked")
    public static Report read(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(source + " is not a report (not a JSON object)");
        if (root.path("formatVersion").asInt(-1) != ReportRenderer.FORMAT_VERSION) {
            throw new IllegalArgumentException(source + ": formatVersion " + root.path("formatVersion")
                    + " is not supported (this build reads " + ReportRenderer.FORMAT_VERSION + ")");
        }
        String environment = text(root, "environment", source);
        List<Plan> layers = new ArrayList<>();
        for (JsonNode layer : root.path("layers")) {
            try {
                layers.add(PlanJson.fromLayerJson(environment, JSON.convertValue(layer, Map.class)));
            } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException(source + ": layer " + layer.path("layer") + " is not in the report format: " + e.getMessage());
            }
        }
        Map<String, Integer> apiCalls = new LinkedHashMap<>();
        root.path("apiCalls").fields().forEachRemaining(e -> apiCalls.put(e.getKey(), e.getValue().asInt()));
        Instant generatedAt;
        try {
            generatedAt = Instant.parse(text(root, "generatedAt", source));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": generatedAt " + root.get("generatedAt") + " is not an ISO-8601 instant");
        }
        Map<String, ChangeAuthor> authors = new LinkedHashMap<>();
        for (JsonNode layer : root.path("layers")) {
            for (JsonNode change : layer.path("changes")) {
                JsonNode by = change.get("changedBy");
                if (by == null || !by.isObject()) continue;
                try {
                    authors.put(change.path("logicalId").asText(), new ChangeAuthor(by.path("who").asText(), by.path("eventName").asText(),
                            Instant.parse(by.path("eventTime").asText()), by.path("sourceIp").asText(), by.path("byControlPlane").asBoolean()));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(source + ": changedBy.eventTime of " + change.path("logicalId").asText()
                            + " is not an ISO-8601 instant: " + by.path("eventTime"));
                }
            }
        }
        List<LayerFailure> notChecked = new ArrayList<>();
        for (JsonNode f : root.path("notChecked")) notChecked.add(new LayerFailure(f.path("layer").asText(), f.path("reason").asText()));
        return new Report(environment, text(root, "kind", source), generatedAt, layers, apiCalls, notChecked, authors);
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(source + ": field " + field + " is missing or not text");
        return v.asText();
    }
}
