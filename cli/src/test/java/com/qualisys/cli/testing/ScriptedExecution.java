package com.qualisys.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * One execution as the Step Functions API shows it while it runs: GetExecutionHistory
 * (maxResults, reverseOrder and nextToken as documented) reveals a few more of the scripted
 * events at each new read, stops at the approval until SendTaskSuccess/Failure arrives, and
 * DescribeExecution says RUNNING until the last event is visible. Counts the events served.
 */
public final class ScriptedExecution {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String executionArn;
    private final List<HistoryEvent> events;
    private final int revealPerRead;
    private final int pauseAt;
    private final String endStatus;
    private final String output;
    private volatile boolean answered;
    private final AtomicInteger visible = new AtomicInteger();
    private final Map<String, AtomicInteger> servedByEndpoint = new ConcurrentHashMap<>();

    /**
     * @param pauseAt number of events visible while the approval waits (events.size() for no pause)
     */
    public ScriptedExecution(String executionArn, List<HistoryEvent> events, int revealPerRead, int pauseAt,
                             String endStatus, String output) {
        this.executionArn = executionArn;
        this.events = List.copyOf(events);
        this.revealPerRead = revealPerRead;
        this.pauseAt = Math.min(pauseAt, events.size());
        this.endStatus = endStatus;
        this.output = output;
    }

    /**
     * Answers registered on the stub: GetExecutionHistory, DescribeExecution, SendTaskSuccess/Failure.
     * Several stubs may serve the same execution (one per terminal); each counts what it served.
     */
    public ScriptedExecution serveOn(AwsApiStub stub) {
        AtomicInteger served = servedByEndpoint.computeIfAbsent(stub.endpoint(), e -> new AtomicInteger());
        stub.on("states.GetExecutionHistory", c -> history(c, served))
                .on("states.DescribeExecution", this::describe)
                .on("states.SendTaskSuccess", c -> answer())
                .on("states.SendTaskFailure", c -> answer());
        return this;
    }

    public boolean waitingForAnswer() {
        return !answered && visible.get() >= pauseAt;
    }

    public int visible() {
        return visible.get();
    }

    /** How many events this stub's GetExecutionHistory answers carried, in total. */
    public int eventsServed(AwsApiStub stub) {
        return servedByEndpoint.getOrDefault(stub.endpoint(), new AtomicInteger()).get();
    }

    private AwsApiStub.Answer answer() {
        answered = true;
        return AwsApiStub.Answer.json(Map.of());
    }

    private AwsApiStub.Answer history(AwsApiStub.Call call, AtomicInteger served) {
        JsonNode req = call.json();
        if (!executionArn.equals(req.path("executionArn").asText())) {
            return AwsApiStub.Answer.jsonError("ExecutionDoesNotExist", "Execution Does Not Exist: '" + req.path("executionArn").asText() + "'");
        }
        int max = req.path("maxResults").asInt(0) == 0 ? 100 : req.path("maxResults").asInt();
        boolean reverse = req.path("reverseOrder").asBoolean(false);
        int snapshot;
        int offset;
        if (req.hasNonNull("nextToken")) {
            String[] t = req.get("nextToken").asText().split(":");
            snapshot = Integer.parseInt(t[0]);
            offset = Integer.parseInt(t[1]);
        } else {
            int limit = answered ? events.size() : pauseAt;
            snapshot = visible.updateAndGet(v -> Math.min(limit, v + revealPerRead));
            offset = 0;
        }
        List<HistoryEvent> view = new ArrayList<>(events.subList(0, snapshot));
        if (reverse) Collections.reverse(view);
        List<HistoryEvent> page = view.subList(Math.min(offset, view.size()), Math.min(offset + max, view.size()));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("events");
        for (HistoryEvent e : page) {
            list.add(SdkWire.json(e));
            served.incrementAndGet();
        }
        if (offset + max < snapshot) body.put("nextToken", snapshot + ":" + (offset + max));
        return AwsApiStub.Answer.json(body);
    }

    private AwsApiStub.Answer describe(AwsApiStub.Call call) {
        boolean ended = visible.get() == events.size();
        HistoryEvent first = events.getFirst();
        DescribeExecutionResponse.Builder d = DescribeExecutionResponse.builder().executionArn(executionArn)
                .stateMachineArn(executionArn.replace(":execution:", ":stateMachine:").replaceFirst(":[^:]+$", ""))
                .name(executionArn.substring(executionArn.lastIndexOf(':') + 1))
                .status(ended ? endStatus : ExecutionStatus.RUNNING.toString())
                .startDate(first.timestamp())
                .input(first.executionStartedEventDetails().input());
        if (ended) {
            HistoryEvent last = events.getLast();
            d.stopDate(last.timestamp());
            if (last.executionSucceededEventDetails() != null) d.output(output);
            if (last.executionFailedEventDetails() != null) {
                d.error(last.executionFailedEventDetails().error()).cause(last.executionFailedEventDetails().cause());
            }
        }
        return AwsApiStub.Answer.json(SdkWire.json(d.build()));
    }
}
