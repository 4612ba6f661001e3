package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

class RetryCatchTest {
    private static final String DEPLOY_FN = AslTestSupport.FIXTURE_SUBSTITUTIONS.get("DeployFn");
    private static final String CLEANUP_FN = AslTestSupport.FIXTURE_SUBSTITUTIONS.get("CleanupFn");

    private static List<Double> retryDelays(ExecutionResult r) {
        return r.events(HistoryEventType.RETRY_SCHEDULED).stream()
                .map(e -> e.details().get("delaySeconds").doubleValue()).toList();
    }

    /** Throws Lambda.TooManyRequestsException {@code throttles} times, then deploys. */
    private static AslTestSupport.Recorder throttledLambda(int throttles) {
        AtomicInteger calls = new AtomicInteger();
        return new AslTestSupport.Recorder((resource, in, ctx) -> {
            if (resource.equals(DEPLOY_FN) && calls.incrementAndGet() <= throttles) {
                throw new TaskFailedException("Lambda.TooManyRequestsException", "Rate Exceeded.");
            }
            return resource.equals(DEPLOY_FN) ? json("{\"deployed\": true}") : json("{\"cleaned\": true}");
        });
    }

    @Test
    void aThrottledLambdaIsRetriedWithExponentialBackoffThenSucceeds() {
        var lambda = throttledLambda(2);
        long start = System.nanoTime();
        ExecutionResult r = LocalRunner.builder().dispatcher(lambda).waitScale(0.001).build()
                .execute(fixture("throttled-deploy.asl.json"), json("{\"environment\": \"dev\"}"), "throttled");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(r.succeeded()).as("%s %s", r.error(), r.cause()).isTrue();
        assertThat(r.output()).isEqualTo(json("{\"environment\": \"dev\", \"deploy\": {\"deployed\": true}}"));
        assertThat(lambda.resources()).containsExactly(DEPLOY_FN, DEPLOY_FN, DEPLOY_FN);
        assertThat(lambda.calls).extracting(c -> c.ctx().retryCount()).containsExactly(0, 1, 2);
        // IntervalSeconds 2, BackoffRate 2.0: 2 s, then 4 s (compressed 1000x by waitScale).
        assertThat(retryDelays(r)).containsExactly(2.0, 4.0);
        assertThat(elapsedMs).isLessThan(3_000);
        assertThat(r.statesEntered()).containsExactly("Deploy", "Done");
    }

    @Test
    void throttlingBeyondMaxAttemptsIsCaughtAndRoutedToCleanup() {
        var lambda = throttledLambda(Integer.MAX_VALUE);
        ExecutionResult r = AslTestSupport.runner(lambda).build()
                .execute(fixture("throttled-deploy.asl.json"), json("{\"environment\": \"dev\"}"), "exhausted");

        // 1 attempt + MaxAttempts 3 retries, then the Catch.
        assertThat(lambda.resources()).containsExactly(DEPLOY_FN, DEPLOY_FN, DEPLOY_FN, DEPLOY_FN, CLEANUP_FN);
        assertThat(retryDelays(r)).containsExactly(2.0, 4.0, 8.0);
        assertThat(lambda.calls.get(4).input()).isEqualTo(json("""
                {"environment": "dev",
                 "error": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate Exceeded."}}"""));
        assertThat(r.statesEntered()).containsExactly("Deploy", "Cleanup", "DeployFailed");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("DeployFailed");
        assertThat(r.cause()).isEqualTo("Rate Exceeded.");
        assertThat(r.events(HistoryEventType.ERROR_CAUGHT)).singleElement()
                .satisfies(e -> assertThat(e.detail("next")).isEqualTo("Cleanup"));
    }

    @Test
    void anErrorNoRetrierNamesGoesStraightToTheCatcher() {
        var lambda = new AslTestSupport.Recorder((resource, in, ctx) -> {
            if (resource.equals(DEPLOY_FN)) {
                throw new TaskFailedException("ValidationError", "bad input");
            }
            return json("{}");
        });
        ExecutionResult r = AslTestSupport.runner(lambda).build()
                .execute(fixture("throttled-deploy.asl.json"), json("{}"), null);

        assertThat(lambda.resources()).containsExactly(DEPLOY_FN, CLEANUP_FN);
        assertThat(r.events(HistoryEventType.RETRY_SCHEDULED)).isEmpty();
        assertThat(r.error()).isEqualTo("DeployFailed");
    }

    @Test
    void specExampleEachRetrierKeepsItsOwnCountAndOnlyTheFirstMatchingOneApplies() {
        // The developer guide: errors ErrorA, ErrorB, ErrorC, ErrorB. The first two use the first
        // retrier (1 s, 2 s), the third the second one (5 s); the fourth matches the first retrier,
        // which has used its MaxAttempts 2, so the Catch takes over.
        List<String> errors = List.of("ErrorA", "ErrorB", "ErrorC", "ErrorB");
        AtomicInteger attempt = new AtomicInteger();
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {
                  "X": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:task:X", "Next": "Y",
                        "Retry": [{"ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0,
                                   "MaxAttempts": 2},
                                  {"ErrorEquals": ["ErrorC"], "IntervalSeconds": 5}],
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}]},
                  "Y": {"Type": "Succeed"},
                  "Z": {"Type": "Pass", "End": true}}}""", "{}", (res, in, ctx) -> {
            throw new TaskFailedException(errors.get(attempt.getAndIncrement()), "failure " + attempt.get());
        });

        assertThat(attempt.get()).isEqualTo(4);
        assertThat(retryDelays(r)).containsExactly(1.0, 2.0, 5.0);
        assertThat(r.statesEntered()).containsExactly("X", "Z");
        assertThat(r.output()).isEqualTo(json("{\"Error\": \"ErrorB\", \"Cause\": \"failure 4\"}"));
    }

    @Test
    void maxAttemptsZeroNeverRetriesAndMaxDelaySecondsCapsTheBackoff() {
        AtomicInteger calls = new AtomicInteger();
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "task", "End": true,
                  "Retry": [{"ErrorEquals": ["Never"], "MaxAttempts": 0},
                            {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 3,
                             "MaxAttempts": 4, "MaxDelaySeconds": 50}]}}}""", "{}", (res, in, ctx) -> {
            throw new TaskFailedException(calls.incrementAndGet() == 1 ? "Boom" : "Boom", null);
        });
        assertThat(calls.get()).isEqualTo(5);
        assertThat(retryDelays(r)).containsExactly(10.0, 30.0, 50.0, 50.0);
        assertThat(r.error()).isEqualTo("Boom");

        AtomicInteger never = new AtomicInteger();
        ExecutionResult n = run("""
                {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "task", "End": true,
                  "Retry": [{"ErrorEquals": ["Never"], "MaxAttempts": 0},
                            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}]}}}""", "{}", (res, in, ctx) -> {
            never.incrementAndGet();
            throw new TaskFailedException("Never", null);
        });
        assertThat(never.get()).isEqualTo(1);
        assertThat(n.error()).isEqualTo("Never");
    }

    @Test
    void defaultsAreOneSecondThreeAttemptsBackoffTwo() {
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "task", "End": true,
                  "Retry": [{"ErrorEquals": ["States.TaskFailed"]}]}}}""", "{}", (res, in, ctx) -> {
            throw new TaskFailedException("Anything", null);
        });
        assertThat(retryDelays(r)).containsExactly(1.0, 2.0, 4.0);
    }

    @Test
    void fullJitterWaitsARandomPartOfTheBackoff() {
        ExecutionResult r = AslTestSupport.runner((res, in, ctx) -> {
            throw new TaskFailedException("Flaky", null);
        }).random(new Random(7)).build().execute(StateMachineDefinition.parse("""
                {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "task", "End": true,
                  "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 4, "MaxAttempts": 3,
                             "JitterStrategy": "FULL"}]}}}"""), json("{}"), null);
        List<Double> delays = retryDelays(r);
        assertThat(delays).hasSize(3);
        List<Double> ceilings = List.of(4.0, 8.0, 16.0);
        for (int i = 0; i < 3; i++) {
            assertThat(delays.get(i)).isBetween(0.0, ceilings.get(i));
        }
        assertThat(delays).isNotEqualTo(ceilings);
    }

    @Test
    void statesTaskFailedMatchesEverythingButStatesTimeout() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        TaskDispatcher slow = (res, in, ctx) -> {
            calls.incrementAndGet();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
            }
            return json("{}");
        };
        long start = System.nanoTime();
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {
                  "X": {"Type": "Task", "Resource": "task", "TimeoutSeconds": 1, "End": true,
                        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "TaskFailed"},
                                  {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}]},
                  "TaskFailed": {"Type": "Succeed"},
                  "TimedOut": {"Type": "Succeed"}}}""", "{}", slow);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(calls.get()).isEqualTo(1);
        assertThat(r.statesEntered()).containsExactly("X", "TimedOut");
        assertThat(r.output().get("Error").textValue()).isEqualTo("States.Timeout");
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the timed-out task was interrupted").isTrue();
    }

    @Test
    void catchersAreTriedInOrder() {
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {
                  "X": {"Type": "Task", "Resource": "task", "End": true,
                        "Catch": [{"ErrorEquals": ["Other"], "Next": "A"},
                                  {"ErrorEquals": ["Mine", "Other"], "Next": "B"},
                                  {"ErrorEquals": ["States.ALL"], "Next": "C"}]},
                  "A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}, "C": {"Type": "Succeed"}}}""", "{}",
                (res, in, ctx) -> {
                    throw new TaskFailedException("Mine", "x");
                });
        assertThat(r.statesEntered()).containsExactly("X", "B");
    }

    @Test
    void theRetryCountIsInTheContextObject() {
        var task = new AslTestSupport.Recorder((res, in, ctx) -> {
            if (in.get("attempt").intValue() < 2) {
                throw new TaskFailedException("NotYet", null);
            }
            return in;
        });
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "task", "End": true,
                  "Parameters": {"attempt.$": "$$.State.RetryCount"},
                  "Retry": [{"ErrorEquals": ["NotYet"]}]}}}""", "{}", task);
        assertThat(task.calls).extracting(c -> c.input().get("attempt").intValue()).containsExactly(0, 1, 2);
        assertThat(r.output()).isEqualTo(json("{\"attempt\": 2}"));
    }

    @Test
    void anUnhandledExceptionFailsTheTaskWithItsTypeAsTheErrorName() {
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {
                  "X": {"Type": "Task", "Resource": "task", "End": true,
                        "Catch": [{"ErrorEquals": ["java.lang.IllegalStateException"], "Next": "Handled"}]},
                  "Handled": {"Type": "Pass", "End": true}}}""", "{}", (res, in, ctx) -> {
            throw new IllegalStateException("no such layer");
        });
        JsonNode out = r.output();
        assertThat(out).isEqualTo(json("{\"Error\": \"java.lang.IllegalStateException\", \"Cause\": \"no such layer\"}"));
    }
}
