package com.qualisys.cli.local;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a person wants to see of a finished task: the layer and the facts our handlers return
 * (change count, destructive, applied, ready, drift). Shared by the local runner's progress and
 * {@code qualisys start}'s progress from an AWS execution history.
 */
public final class TaskFacts {
    private TaskFacts() {}

    /** The handler's result: the Lambda integration wraps it in {@code Payload}. */
    public static JsonNode payload(JsonNode taskOutput) {
        if (taskOutput == null) return null;
        return taskOutput.has("Payload") ? taskOutput.get("Payload") : taskOutput;
    }

    /** The layer a task worked on, from its result; null if it does not say. */
    public static String layer(JsonNode taskOutput) {
        JsonNode p = payload(taskOutput);
        return p != null && p.hasNonNull("layer") && p.get("layer").isTextual() ? p.get("layer").asText() : null;
    }

    /** ": 3 change(s), destructive", ": ready", ": drift found" ...; empty when the result has none of these. */
    public static String facts(JsonNode taskOutput) {
        JsonNode p = payload(taskOutput);
        if (p == null || !p.isObject()) return "";
        if (p.has("ready")) return p.get("ready").asBoolean() ? ": ready" : ": not ready yet " + p.path("waitingFor");
        if (p.has("applied")) return ": " + p.path("changes").asInt() + " change(s) applied";
        if (p.has("destructive")) {
            return ": " + p.path("changes").asInt() + " change(s)" + (p.get("destructive").asBoolean() ? ", destructive" : "");
        }
        if (p.has("drift")) return ": " + (p.get("drift").asBoolean() ? "drift found" : "no drift");
        return "";
    }
}
