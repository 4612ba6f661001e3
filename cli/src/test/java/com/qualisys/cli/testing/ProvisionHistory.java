package com.qualisys.cli.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Builds execution histories of the provision state machine as Step Functions records them
 * (GetExecutionHistory, documented event types and details): Lambda tasks through the
 * {@code lambda:invoke} integration, the approval through {@code lambda:invoke.waitForTaskToken},
 * Map iterations. Events are one second apart.
 */
public final class ProvisionHistory {
    public static final String ACCOUNT = "111122223333";
    public static final String REGION = "us-east-1";
    public static final String STATE_MACHINE_ARN = "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:qualisys-provision";
    public static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    private final List<HistoryEvent> events = new ArrayList<>();
    private final String executionArn;

    public ProvisionHistory(String executionName) {
        this.executionArn = STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":" + executionName;
    }

    public String executionArn() {
        return executionArn;
    }

    public List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    public long lastId() {
        return events.size();
    }

    public static String functionArn(String function) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:qualisys-" + function;
    }

    public long executionStarted(String input) {
        return add(0, HistoryEventType.EXECUTION_STARTED, b -> b.executionStartedEventDetails(d -> d.input(input)
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/control-plane/qualisys-control-plane-sm-provision")));
    }

    public long stateEntered(long previous, HistoryEventType type, String state, String input) {
        return add(previous, type, b -> b.stateEnteredEventDetails(d -> d.name(state).input(input)));
    }

    public long stateExited(long previous, HistoryEventType type, String state, String output) {
        return add(previous, type, b -> b.stateExitedEventDetails(d -> d.name(state).output(output)));
    }

    public long mapIterationStarted(long previous, int index) {
        return add(previous, HistoryEventType.MAP_ITERATION_STARTED, b -> b.mapIterationStartedEventDetails(d -> d.name("ProvisionLayers").index(index)));
    }

    public long taskScheduled(long previous, String resource, String parameters) {
        return add(previous, HistoryEventType.TASK_SCHEDULED, b -> b.taskScheduledEventDetails(d -> d.resourceType("lambda")
                .resource(resource).region(REGION).parameters(parameters)));
    }

    public long taskStarted(long previous, String resource) {
        return add(previous, HistoryEventType.TASK_STARTED, b -> b.taskStartedEventDetails(d -> d.resourceType("lambda").resource(resource)));
    }

    public long taskSubmitted(long previous, String resource, String output) {
        return add(previous, HistoryEventType.TASK_SUBMITTED, b -> b.taskSubmittedEventDetails(d -> d.resourceType("lambda")
                .resource(resource).output(output)));
    }

    public long taskSucceeded(long previous, String resource, String output) {
        return add(previous, HistoryEventType.TASK_SUCCEEDED, b -> b.taskSucceededEventDetails(d -> d.resourceType("lambda")
                .resource(resource).output(output)));
    }

    public long taskFailed(long previous, String resource, String error, String cause) {
        return add(previous, HistoryEventType.TASK_FAILED, b -> b.taskFailedEventDetails(d -> d.resourceType("lambda")
                .resource(resource).error(error).cause(cause)));
    }

    public long taskTimedOut(long previous, String resource, String error) {
        return add(previous, HistoryEventType.TASK_TIMED_OUT, b -> b.taskTimedOutEventDetails(d -> d.resourceType("lambda")
                .resource(resource).error(error)));
    }

    public long executionSucceeded(long previous, String output) {
        return add(previous, HistoryEventType.EXECUTION_SUCCEEDED, b -> b.executionSucceededEventDetails(d -> d.output(output)));
    }

    public long executionFailed(long previous, String error, String cause) {
        return add(previous, HistoryEventType.EXECUTION_FAILED, b -> b.executionFailedEventDetails(d -> d.error(error).cause(cause)));
    }

    /** A whole {@code lambda:invoke} Task state: entered, scheduled, started, succeeded, exited. Returns the exit. */
    public long lambdaTask(long previous, String state, String function, String input, String payload, String result) {
        long entered = stateEntered(previous, HistoryEventType.TASK_STATE_ENTERED, state, input);
        long scheduled = taskScheduled(entered, "invoke", "{\"FunctionName\":\"" + functionArn(function) + "\",\"Payload\":" + payload + "}");
        long started = taskStarted(scheduled, "invoke");
        long succeeded = taskSucceeded(started, "invoke", lambdaResponse(result));
        return stateExited(succeeded, HistoryEventType.TASK_STATE_EXITED, state, input);
    }

    /** The RequestApproval task up to its submission: it now waits for SendTaskSuccess/Failure. Returns the submission. */
    public long approvalRequested(long previous, String environment, String layer, String token) {
        String input = "{\"environment\":\"" + environment + "\",\"layer\":\"" + layer + "\",\"approveDestructive\":false}";
        long entered = stateEntered(previous, HistoryEventType.TASK_STATE_ENTERED, "RequestApproval", input);
        return approvalScheduled(entered, environment, layer, token);
    }

    /** Scheduled, started, submitted: also what a Retry of RequestApproval records after a failed attempt. */
    public long approvalScheduled(long previous, String environment, String layer, String token) {
        long scheduled = taskScheduled(previous, "invoke.waitForTaskToken", "{\"FunctionName\":\"" + functionArn("notify")
                + "\",\"Payload\":{\"kind\":\"approval\",\"environment\":\"" + environment + "\",\"layer\":\"" + layer
                + "\",\"summary\":\"Plan for " + environment + ": 1 change(s).\",\"executionId\":\"" + executionArn
                + "\",\"taskToken\":\"" + token + "\"}}");
        long started = taskStarted(scheduled, "invoke.waitForTaskToken");
        return taskSubmitted(started, "invoke.waitForTaskToken", lambdaResponse("{\"subject\":\"approval needed\",\"published\":true}"));
    }

    /** What the Lambda integration returns around a function's result. */
    public static String lambdaResponse(String payload) {
        return "{\"ExecutedVersion\":\"$LATEST\",\"Payload\":" + payload + ",\"SdkHttpMetadata\":{\"HttpStatusCode\":200},"
                + "\"SdkResponseMetadata\":{\"RequestId\":\"0f0e0d0c-0b0a-0908-0706-050403020100\"},\"StatusCode\":200}";
    }

    private long add(long previous, HistoryEventType type, java.util.function.Consumer<HistoryEvent.Builder> details) {
        long id = events.size() + 1;
        HistoryEvent.Builder b = HistoryEvent.builder().id(id).previousEventId(previous).type(type).timestamp(T0.plusSeconds(id - 1));
        details.accept(b);
        events.add(b.build());
        return id;
    }
}
