package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Wait (time-compressed), Succeed, Fail, the context object and the state machine's timeout. */
class WaitFailContextTest {

    private static long millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void waitSecondsIsCompressedByWaitScale() {
        String definition = """
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 200, "End": true}}}""";
        LocalRunner scaled = LocalRunner.builder().dispatcher(NO_TASKS).waitScale(0.001).build();
        ExecutionResult[] r = new ExecutionResult[1];
        long elapsed = millis(() -> r[0] = scaled.execute(StateMachineDefinition.parse(definition), json("{\"a\": 1}"), null));
        // 200 s at 1/1000 is 200 ms.
        assertThat(elapsed).isBetween(190L, 2_000L);
        assertThat(r[0].output()).isEqualTo(json("{\"a\": 1}"));
        assertThat(r[0].events(HistoryEventType.WAIT_STARTED)).singleElement()
                .satisfies(e -> assertThat(e.details().get("seconds").doubleValue()).isEqualTo(200.0));

        long none = millis(() -> run("""
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 31536000, "End": true}}}""", "{}", NO_TASKS));
        assertThat(none).isLessThan(1_000);
    }

    @Test
    void secondsPathTimestampAndTimestampPath() {
        String future = Instant.now().plusSeconds(3600).toString();
        ExecutionResult r = run("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "B"},
                  "B": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "C"},
                  "C": {"Type": "Wait", "TimestampPath": "$.until", "InputPath": "$.inner", "End": true}}}""",
                "{\"delay\": 30, \"inner\": {\"until\": \"" + future + "\"}}", NO_TASKS);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.output()).isEqualTo(json("{\"until\": \"" + future + "\"}"));
        var waits = r.events(HistoryEventType.WAIT_STARTED);
        assertThat(waits.get(0).details().get("seconds").doubleValue()).isEqualTo(30.0);
        assertThat(waits.get(1).details().get("seconds").doubleValue()).isEqualTo(0.0); // in the past
        assertThat(waits.get(2).details().get("seconds").doubleValue()).isBetween(3500.0, 3600.0);
    }

    @Test
    void aSecondsPathThatIsNotANonNegativeIntegerIsARuntimeError() {
        ExecutionResult r = run("""
                {"StartAt": "A", "States": {"A": {"Type": "Wait", "SecondsPath": "$.delay", "End": true}}}""",
                "{\"delay\": \"soon\"}", NO_TASKS);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("SecondsPath '$.delay' must select a non-negative integer");
    }

    @Test
    void waitAndPollLoopUntilTheResourceIsAvailable() {
        AtomicInteger polls = new AtomicInteger();
        TaskDispatcher status = (res, in, ctx) -> res.endsWith(":start")
                ? json("{\"state\": \"creating\"}")
                : json("{\"state\": \"" + (polls.incrementAndGet() < 4 ? "creating" : "available") + "\"}");
        ExecutionResult r = AslTestSupport.runner(status).build()
                .execute(fixture("wait-loop.asl.json"), json("{\"pollSeconds\": 30}"), "poll");
        assertThat(r.succeeded()).isTrue();
        assertThat(r.output()).isEqualTo(json("{\"state\": \"available\"}"));
        assertThat(polls.get()).isEqualTo(4);
        assertThat(r.events(HistoryEventType.WAIT_STARTED)).hasSize(4);
    }

    @Test
    void theStateMachineTimeoutEndsTheExecutionWithStatesTimeoutWhateverTheCatchers() {
        // TimeoutSeconds bounds real time; a real-time Wait of 5 s outlasts the machine's 1 s.
        String definition = """
                {"StartAt": "P", "TimeoutSeconds": 1, "States": {
                  "P": {"Type": "Parallel", "End": true,
                        "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}],
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
                  "Caught": {"Type": "Succeed"}}}""";
        LocalRunner realTime = LocalRunner.builder().dispatcher(NO_TASKS).waitScale(1).build();
        ExecutionResult[] r = new ExecutionResult[1];
        long elapsed = millis(() -> r[0] = realTime.execute(StateMachineDefinition.parse(definition), json("{}"), null));
        assertThat(r[0].error()).isEqualTo("States.Timeout");
        assertThat(r[0].statesEntered()).doesNotContain("Caught");
        assertThat(elapsed).isBetween(900L, 4_000L);
    }

    @Test
    void theStateMachineTimeoutAlsoStopsALongTask() {
        ExecutionResult[] r = new ExecutionResult[1];
        long elapsed = millis(() -> r[0] = run("""
                {"StartAt": "T", "TimeoutSeconds": 1, "States": {"T": {"Type": "Task", "Resource": "slow", "End": true}}}""",
                "{}", (res, in, ctx) -> {
                    try {
                        Thread.sleep(20_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return in;
                }));
        assertThat(r[0].error()).isEqualTo("States.Timeout");
        assertThat(r[0].cause()).contains("TimeoutSeconds (1)");
        assertThat(elapsed).isBetween(900L, 6_000L);
    }

    @Test
    void failStateWithStaticAndDynamicErrorAndCause() {
        ExecutionResult fixed = run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Quota.Exceeded", "Cause": "too many"}}}""",
                "{}", NO_TASKS);
        assertThat(fixed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(fixed.error()).isEqualTo("Quota.Exceeded");
        assertThat(fixed.cause()).isEqualTo("too many");
        assertThat(fixed.output()).isNull();

        ExecutionResult dynamic = run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.code",
                  "CausePath": "States.Format('layer {} failed: {}', $.layer, $.reason)"}}}""",
                "{\"code\": \"Layer.Failed\", \"layer\": \"eks\", \"reason\": \"timeout\"}", NO_TASKS);
        assertThat(dynamic.error()).isEqualTo("Layer.Failed");
        assertThat(dynamic.cause()).isEqualTo("layer eks failed: timeout");

        ExecutionResult bare = run("""
                {"StartAt": "F", "States": {"F": {"Type": "Fail"}}}""", "{}", NO_TASKS);
        assertThat(bare.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(bare.error()).isNull();
    }

    @Test
    void succeedAppliesInputPathAndOutputPath() {
        ExecutionResult r = run("""
                {"StartAt": "S", "States": {"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}}""",
                "{\"a\": {\"b\": {\"c\": 1}}}", NO_TASKS);
        assertThat(r.output()).isEqualTo(json("{\"c\": 1}"));
    }

    @Test
    void theContextObjectDescribesTheExecutionTheStateAndTheMachine() {
        var task = new AslTestSupport.Recorder((res, in, ctx) -> in);
        LocalRunner runner = AslTestSupport.runner(task).region("eu-west-1").accountId("111122223333").build();
        Instant before = Instant.now().minusMillis(5);
        ExecutionResult r = runner.execute(StateMachineDefinition.parse("""
                {"StartAt": "Inspect", "States": {"Inspect": {"Type": "Task", "Resource": "inspect", "End": true,
                  "Parameters": {
                    "executionId.$": "$$.Execution.Id", "executionName.$": "$$.Execution.Name",
                    "executionInput.$": "$$.Execution.Input", "startTime.$": "$$.Execution.StartTime",
                    "state.$": "$$.State.Name", "entered.$": "$$.State.EnteredTime", "retry.$": "$$.State.RetryCount",
                    "machine.$": "$$.StateMachine.Id", "machineName.$": "$$.StateMachine.Name"}}}}""")
                .withName("provision"), json("{\"environment\": \"dev\"}"), "run-42");

        JsonNode seen = r.output();
        assertThat(seen.get("executionId").textValue())
                .isEqualTo("arn:aws:states:eu-west-1:111122223333:execution:provision:run-42");
        assertThat(r.executionId()).isEqualTo(seen.get("executionId").textValue());
        assertThat(seen.get("executionName").textValue()).isEqualTo("run-42");
        assertThat(seen.get("executionInput")).isEqualTo(json("{\"environment\": \"dev\"}"));
        assertThat(seen.get("state").textValue()).isEqualTo("Inspect");
        assertThat(seen.get("retry").intValue()).isZero();
        assertThat(seen.get("machine").textValue()).isEqualTo("arn:aws:states:eu-west-1:111122223333:stateMachine:provision");
        assertThat(seen.get("machineName").textValue()).isEqualTo("provision");
        Instant start = Instant.parse(seen.get("startTime").textValue());
        Instant entered = Instant.parse(seen.get("entered").textValue());
        assertThat(start).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(Duration.between(start, entered)).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(seen.get("startTime").textValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(task.calls.get(0).ctx().contextObject().get("Execution").get("Id").textValue())
                .isEqualTo(seen.get("executionId").textValue());
    }

    @Test
    void theListenerSeesEveryEventInOrderAndCannotBreakTheExecution() {
        java.util.List<HistoryEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutionResult r = AslTestSupport.runner(NO_TASKS).listener(e -> {
            seen.add(e);
            throw new IllegalStateException("a broken progress printer");
        }).build().execute(StateMachineDefinition.parse("""
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}"""),
                json("{}"), null);
        assertThat(r.succeeded()).isTrue();
        assertThat(seen).isEqualTo(r.history());
        assertThat(seen).extracting(HistoryEvent::type).containsExactly(HistoryEventType.EXECUTION_STARTED,
                HistoryEventType.STATE_ENTERED, HistoryEventType.STATE_EXITED, HistoryEventType.STATE_ENTERED,
                HistoryEventType.STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED);
    }
}
