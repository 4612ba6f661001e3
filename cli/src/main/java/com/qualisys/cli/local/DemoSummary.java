package com.qualisys.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.HistoryEvent;
import com.qualisys.asl.HistoryEventType;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's closing table for one environment, one row a layer: resources the spec asks for, changes applied by the
 * provision run (every apply of the layer, readiness re-applies included), drift found by the
 * drift check after it, and the time from the layer's first task to its last.
 */
public final class DemoSummary implements ExecutionListener {
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private JsonNode dbInit;

    private static final class Row {
        int resources = -1;
        int applied;
        Integer driftAfter;
        String driftNote = "";
        Instant first;
        Instant last;
    }

    /** Declares a layer (in the order the table lists them) and how many resources its spec asks for. */
    public synchronized void layer(String name, int resources) {
        rows.computeIfAbsent(name, n -> new Row()).resources = resources;
    }

    @Override
    public synchronized void onEvent(HistoryEvent e) {
        if (e.type() != HistoryEventType.TASK_SUCCEEDED || e.details() == null) return;
        JsonNode output = e.details().get("output");
        if ("RunDbInit".equals(e.stateName())) dbInit = TaskFacts.payload(output);
        String layer = TaskFacts.layer(output);
        if (layer == null || !rows.containsKey(layer)) return;
        Row row = rows.get(layer);
        if (row.first == null) row.first = e.timestamp();
        row.last = e.timestamp();
        JsonNode p = TaskFacts.payload(output);
        if (p.has("applied")) row.applied += p.path("changes").asInt();
    }

    /** What the provision run's db-init reported (DbInitReport), or null when it did not run. */
    public synchronized JsonNode dbInit() {
        return dbInit;
    }

    /** The drift check's count of differences for a layer, or why it was not checked. */
    public synchronized void driftAfter(String layer, int changes, String note) {
        Row row = rows.computeIfAbsent(layer, n -> new Row());
        row.driftAfter = changes;
        row.driftNote = note == null ? "" : note;
    }

    /** The table of several environments, one block of rows each, with a total per environment. */
    public static void print(PrintWriter out, Map<String, DemoSummary> byEnvironment) {
        out.printf(FORMAT, "environment", "layer", "resources", "changes applied", "drift after", "time");
        byEnvironment.forEach((environment, summary) -> summary.printRows(out, environment));
        out.flush();
    }

    private static final String FORMAT = "%-12s %-12s %10s %16s %12s %9s%n";

    private synchronized void printRows(PrintWriter out, String environment) {
        int resources = 0;
        int applied = 0;
        int drift = 0;
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            String seconds = r.first == null ? "-" : String.format("%.1f s", Duration.between(r.first, r.last).toMillis() / 1000.0);
            String driftText = r.driftAfter == null ? "not checked" : r.driftAfter + r.driftNote;
            out.printf(FORMAT, environment, e.getKey(), r.resources < 0 ? "-" : r.resources, r.applied, driftText, seconds);
            resources += Math.max(r.resources, 0);
            applied += r.applied;
            drift += r.driftAfter == null ? 0 : r.driftAfter;
        }
        out.printf(FORMAT, environment, "total", resources, applied, drift, "");
    }
}
