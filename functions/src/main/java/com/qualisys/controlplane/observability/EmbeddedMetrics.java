package com.qualisys.controlplane.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.json.Json;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of one invocation, written as CloudWatch embedded-metric-format documents: one JSON
 * object per line on the function's stdout, which Lambda sends to CloudWatch Logs, which turns them
 * into metrics of {@link ControlPlaneMetric#NAMESPACE}. One document per (environment, layer), with
 * every metric recorded for it; values recorded twice add up.
 *
 * <p>A handler records through {@link #current()}: the invocation's recorder while
 * {@link #during} runs it (the Lambda entry point), otherwise one that keeps the values and writes
 * nothing (the local runner and the CLI, whose stdout is their own output).
 */
public final class EmbeddedMetrics {
    private static final ThreadLocal<EmbeddedMetrics> CURRENT = new ThreadLocal<>();
    private static final ObjectMapper JSON = Json.mapper();

    private record Key(String environment, String layer) {}

    private final Map<Key, Map<ControlPlaneMetric, Double>> values = new LinkedHashMap<>();

    /** The recorder of this thread's invocation; outside {@link #during}, a fresh one nobody reads. */
    public static EmbeddedMetrics current() {
        EmbeddedMetrics m = CURRENT.get();
        return m != null ? m : new EmbeddedMetrics();
    }

    /**
     * Runs one invocation with a fresh recorder and writes what it recorded to out afterwards, also
     * when the invocation fails (what was applied before the failure still counts).
     */
    public static <T> T during(PrintStream out, Map<String, String> properties, java.util.function.Supplier<T> invocation) {
        EmbeddedMetrics metrics = new EmbeddedMetrics();
        CURRENT.set(metrics);
        try {
            return invocation.get();
        } finally {
            CURRENT.remove();
            metrics.write(out, System.currentTimeMillis(), properties);
        }
    }

    /** Adds value to an environment metric. */
    public EmbeddedMetrics add(ControlPlaneMetric metric, String environment, double value) {
        if (metric.perLayer()) throw new IllegalArgumentException(metric.metricName() + " is recorded per layer");
        return put(metric, new Key(Objects.requireNonNull(environment, "environment"), null), value);
    }

    /** Adds value to a layer metric. */
    public EmbeddedMetrics add(ControlPlaneMetric metric, String environment, String layer, double value) {
        if (!metric.perLayer()) throw new IllegalArgumentException(metric.metricName() + " is recorded per environment");
        return put(metric, new Key(Objects.requireNonNull(environment, "environment"), Objects.requireNonNull(layer, "layer")), value);
    }

    private synchronized EmbeddedMetrics put(ControlPlaneMetric metric, Key key, double value) {
        values.computeIfAbsent(key, k -> new LinkedHashMap<>()).merge(metric, value, Double::sum);
        return this;
    }

    /** What was recorded, by metric name, for an environment (layer null) or a layer. */
    public synchronized Map<String, Double> recorded(String environment, String layer) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.getOrDefault(new Key(environment, layer), Map.of()).forEach((m, v) -> out.put(m.metricName(), v));
        return out;
    }

    /**
     * The EMF documents, one per (environment, layer). properties are added as members that are not
     * dimensions (searchable in CloudWatch Logs Insights, e.g. the execution name); they never override
     * a dimension or a metric.
     */
    public synchronized List<Map<String, Object>> documents(long timestampMillis, Map<String, String> properties) {
        List<Map<String, Object>> docs = new ArrayList<>();
        values.forEach((key, metrics) -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            List<List<String>> dimensionSets = key.layer() == null ? List.of(List.of(ControlPlaneMetric.ENVIRONMENT))
                    : metrics.keySet().iterator().next().dimensionSets();
            List<Map<String, Object>> definitions = metrics.keySet().stream()
                    .<Map<String, Object>>map(m -> Map.of("Name", m.metricName(), "Unit", ControlPlaneMetric.UNIT)).toList();
            doc.put("_aws", Map.of("Timestamp", timestampMillis, "CloudWatchMetrics", List.of(Map.of(
                    "Namespace", ControlPlaneMetric.NAMESPACE, "Dimensions", dimensionSets, "Metrics", definitions))));
            properties.forEach(doc::put);
            doc.put(ControlPlaneMetric.ENVIRONMENT, key.environment());
            if (key.layer() != null) doc.put(ControlPlaneMetric.LAYER, key.layer());
            metrics.forEach((m, v) -> doc.put(m.metricName(), v == Math.rint(v) ? (Object) v.longValue() : v));
            docs.add(doc);
        });
        return docs;
    }

    /** Writes the documents, one line each, and forgets them. */
    public synchronized void write(PrintStream out, long timestampMillis, Map<String, String> properties) {
        for (Map<String, Object> doc : documents(timestampMillis, properties)) {
            try {
                out.println(JSON.writeValueAsString(doc));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.flush();
        values.clear();
    }
}
