package com.qualisys.cli.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

/** How an AWS execution ended, for people (text) and scripts (JSON). Pure. */
public record ExecutionSummary(String executionArn, String name, String status, Instant startDate, Instant stopDate,
                               JsonNode output, String error, String cause) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ExecutionSummary of(DescribeExecutionResponse d) {
        return new ExecutionSummary(d.executionArn(), d.name(), d.statusAsString(), d.startDate(), d.stopDate(),
                ExecutionHistory.json(d.output()), d.error(), d.cause());
    }

    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }

    public Duration duration() {
        return startDate == null || stopDate == null ? null : Duration.between(startDate, stopDate);
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(status);
        Duration d = duration();
        if (d != null) out.append(succeeded() ? " in " : " after ").append(format(d));
        out.append(": ").append(executionArn).append('\n');
        if (succeeded()) {
            if (output != null) out.append("output: ").append(output).append('\n');
        } else {
            if (error != null) out.append("error: ").append(error).append('\n');
            if (cause != null) out.append("cause: ").append(cause).append('\n');
        }
        return out.toString();
    }

    public ObjectNode json() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("executionArn", executionArn);
        doc.put("name", name);
        doc.put("status", status);
        if (startDate != null) doc.put("startDate", startDate.toString());
        if (stopDate != null) doc.put("stopDate", stopDate.toString());
        Duration d = duration();
        if (d != null) doc.put("durationSeconds", d.toMillis() / 1000.0);
        if (succeeded()) {
            doc.set("output", output);
        } else {
            doc.put("error", error);
            doc.put("cause", cause);
        }
        return doc;
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        if (s < 3600) return (s / 60) + "m " + (s % 60) + "s";
        return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
}
