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
    private final String execution;
    private final String answerOptions;

    public ProgressPrinter(PrintWriter out) {
        this(out, null, null);
    }

    /**
     * @param execution     the execution's name, printed with the exact commands that answer an approval
     * @param answerOptions what those commands need to find the run (e.g. {@code --local --tokens-dir DIR})
     */
    public ProgressPrinter(PrintWriter out, String execution, String answerOptions) {
        this.out = out;
        this.execution = execution;
        this.answerOptions = answerOptions;
    }

    @Override
    public void onEvent(HistoryEvent e) {
        String line = switch (e.type()) {
            case TASK_SUCCEEDED -> e.stateName() + describe(e.details() == null ? null : e.details().get("output"));
            case TASK_FAILED -> e.stateName() + " failed: " + e.detail("error") + " " + abbreviate(e.detail("cause"));
            case RETRY_SCHEDULED -> e.stateName() + " will be retried after " + e.detail("error");
            case TASK_TOKEN_WAITING -> waiting(e.stateName());
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

    private String waiting(String state) {
        if (execution == null) return state + " is waiting for approval: run `qualisys approve <execution>` or `qualisys reject <execution>`";
        String options = answerOptions == null || answerOptions.isBlank() ? "" : " " + answerOptions;
        return state + " is waiting for approval of execution " + execution + "; answer it with"
                + "\n           approve: ./qualisys approve " + execution + options
                + "\n           reject:  ./qualisys reject " + execution + options + " --reason TEXT";
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
