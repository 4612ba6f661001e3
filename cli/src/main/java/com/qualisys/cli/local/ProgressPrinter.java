package com.qualisys.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.asl.ExecutionListener;
import com.qualisys.asl.HistoryEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/** One line per finished task, retry and approval wait, so a person sees the layers go by. */
public final class ProgressPrinter implements ExecutionListener {
    private final PrintWriter out;
    private final Instant started = Instant.now();

    public ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(HistoryEvent e) {
        String line = switch (e.type()) {
            case TASK_SUCCEEDED -> e.stateName() + describe(e.details() == null ? null : e.details().get("output"));
            case TASK_FAILED -> e.stateName() + " failed: " + e.detail("error") + " " + abbreviate(e.detail("cause"));
            case RETRY_SCHEDULED -> e.stateName() + " will be retried after " + e.detail("error");
            case TASK_TOKEN_WAITING -> e.stateName() + " is waiting for approval: run `qualisys approve <execution>` or `qualisys reject <execution>`";
            case WAIT_STARTED -> e.stateName() + " waits " + e.detail("seconds") + " s";
            default -> null;
        };
        if (line == null) return;
        long seconds = Duration.between(started, Instant.now()).toMillis();
        synchronized (out) {
            out.printf("[%6.1fs] %s%n", seconds / 1000.0, line);
            out.flush();
        }
    }

    /** The facts our handlers return: the layer, the change count, readiness. */
    private static String describe(JsonNode output) {
        String layer = TaskFacts.layer(output);
        return (layer == null ? "" : " " + layer) + TaskFacts.facts(output);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
