package com.qualisys.controlplane.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drift check of every environment at once: one row per environment and layer (drift count,
 * overrides, the error when the layer could not be checked), plus environments that failed as a
 * whole. Pure: built from the per-environment results of the drift-check-all state machine.
 */
public record AggregateReport(Instant generatedAt, List<Row> rows, List<FailedEnvironment> failedEnvironments) {

    public AggregateReport {
        rows = List.copyOf(rows);
        failedEnvironments = List.copyOf(failedEnvironments);
    }

    /** One layer of one environment; {@code error} is null when the layer was checked. */
    public record Row(String environment, String layer, int drift, int overrides, String error) {}

    /** An environment whose check failed before any layer was checked (e.g. its role could not be assumed). */
    public record FailedEnvironment(String environment, String error) {}

    public int totalDrift() {
        return rows.stream().mapToInt(Row::drift).sum();
    }

    public int errors() {
        return (int) rows.stream().filter(r -> r.error() != null).count() + failedEnvironments.size();
    }

    public List<String> environments() {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> { if (!out.contains(r.environment())) out.add(r.environment()); });
        failedEnvironments.forEach(f -> { if (!out.contains(f.environment())) out.add(f.environment()); });
        return out;
    }

    /** One line per environment, for the notification. */
    public String summary() {
        StringBuilder sb = new StringBuilder("QUALISYS drift check of all environments: " + totalDrift() + " drifted resource(s), "
                + errors() + " error(s)\n");
        for (String env : environments()) {
            FailedEnvironment failed = failedEnvironments.stream().filter(f -> f.environment().equals(env)).findFirst().orElse(null);
            if (failed != null) {
                sb.append("  ").append(env).append(": could not be checked: ").append(failed.error()).append('\n');
                continue;
            }
            List<Row> mine = rows.stream().filter(r -> r.environment().equals(env)).toList();
            int drift = mine.stream().mapToInt(Row::drift).sum();
            List<String> failedLayers = mine.stream().filter(r -> r.error() != null).map(Row::layer).toList();
            sb.append("  ").append(env).append(": ").append(drift == 0 ? "no drift" : drift + " drifted resource(s)");
            if (!failedLayers.isEmpty()) sb.append("; not checked: ").append(String.join(", ", failedLayers));
            sb.append('\n');
        }
        return sb.toString();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("# Drift, all environments\n\nGenerated " + generatedAt + ".\n\n");
        sb.append("| Environment | Layer | Drift | Overrides | Error |\n|---|---|---:|---:|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.environment()).append(" | ").append(r.layer()).append(" | ").append(r.drift()).append(" | ")
                    .append(r.overrides()).append(" | ").append(r.error() == null ? "" : r.error().replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        for (FailedEnvironment f : failedEnvironments) {
            sb.append("| ").append(f.environment()).append(" | (all) | | | ").append(f.error().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        return sb.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "drift-all");
        out.put("generatedAt", generatedAt.toString());
        out.put("drift", totalDrift());
        out.put("errors", errors());
        List<Map<String, Object>> rowsJson = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("environment", r.environment());
            m.put("layer", r.layer());
            m.put("drift", r.drift());
            m.put("overrides", r.overrides());
            m.put("error", r.error());
            rowsJson.add(m);
        }
        out.put("rows", rowsJson);
        out.put("failedEnvironments", failedEnvironments.stream().map(f -> Map.of("environment", f.environment(), "error", f.error())).toList());
        return out;
    }
}
