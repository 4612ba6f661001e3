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
        if (output == null) return "";
        JsonNode p = output.has("Payload") ? output.get("Payload") : output;
        StringBuilder sb = new StringBuilder();
        if (p.hasNonNull("layer")) sb.append(" ").append(p.get("layer").asText());
        if (p.has("ready")) sb.append(p.get("ready").asBoolean() ? ": ready" : ": not ready yet " + p.path("waitingFor"));
        else if (p.has("applied")) sb.append(": ").append(p.path("changes").asInt()).append(" change(s) applied");
        else if (p.has("destructive")) sb.append(": ").append(p.path("changes").asInt()).append(" change(s)")
                .append(p.get("destructive").asBoolean() ? ", destructive" : "");
        else if (p.has("drift")) sb.append(": ").append(p.get("drift").asBoolean() ? "drift found" : "no drift");
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
