package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

class ParallelMapTest {

    private static JsonNode sleepThenEcho(JsonNode in, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return in;
    }

    @Test
    void parallelResultsAreInBranchOrderWhateverOrderTheyFinishIn() {
        // Branch 0 is the slowest and branch 2 the fastest.
        ExecutionResult r = run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": true,
                  "Parameters": {"id.$": "$.id"},
                  "Branches": [
                    {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "slow", "End": true}}},
                    {"StartAt": "Medium", "States": {"Medium": {"Type": "Task", "Resource": "medium", "End": true}}},
                    {"StartAt": "Fast", "States": {"Fast": {"Type": "Pass", "Result": "fast", "End": true}}}]}}}""",
                "{\"id\": 7, \"ignored\": true}", (res, in, ctx) -> sleepThenEcho(json("{\"by\": \"" + res
                        + "\", \"id\": " + in.get("id") + "}"), res.equals("slow") ? 300 : 100));

        assertThat(r.output()).isEqualTo(json("""
                [{"by": "slow", "id": 7}, {"by": "medium", "id": 7}, "fast"]"""));
        HistoryEvent slowExit = r.history().stream().filter(e -> e.type() == HistoryEventType.STATE_EXITED
                && "Slow".equals(e.stateName())).findFirst().orElseThrow();
        HistoryEvent fastExit = r.history().stream().filter(e -> e.type() == HistoryEventType.STATE_EXITED
                && "Fast".equals(e.stateName())).findFirst().orElseThrow();
        assertThat(fastExit.id()).isLessThan(slowExit.id());
        assertThat(slowExit.scope()).isEqualTo("Fan[0]");
    }

    @Test
    void aFailingBranchFailsTheParallelStateWithItsErrorAndStopsTheOthers() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        // The failing branch waits until the other one hangs in its task, so that there is a
        // running branch to stop (however the threads are scheduled on a loaded machine).
        ExecutionResult r = run("""
                {"StartAt": "Fan", "States": {
                  "Fan": {"Type": "Parallel", "Next": "Unreached",
                    "Branches": [
                      {"StartAt": "Hang", "States": {"Hang": {"Type": "Task", "Resource": "hang", "End": true}}},
                      {"StartAt": "Ready", "States": {
                        "Ready": {"Type": "Task", "Resource": "await-hang", "Next": "Broken"},
                        "Broken": {"Type": "Fail", "Error": "Layer.Broken", "Cause": "vpc plan failed"}}}],
                    "Catch": [{"ErrorEquals": ["Layer.Broken"], "ResultPath": "$.failure", "Next": "Recover"}]},
                  "Unreached": {"Type": "Succeed"},
                  "Recover": {"Type": "Pass", "End": true}}}""", "{\"env\": \"dev\"}", (res, in, ctx) -> {
            try {
                if (res.equals("await-hang")) {
                    hanging.await(30, TimeUnit.SECONDS);
                    return in;
                }
                hanging.countDown();
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return in;
        });

        assertThat(r.statesEntered()).contains("Fan", "Broken", "Recover").doesNotContain("Unreached");
        assertThat(r.output()).isEqualTo(json("""
                {"env": "dev", "failure": {"Error": "Layer.Broken", "Cause": "vpc plan failed"}}"""));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the hanging branch was stopped").isTrue();
    }

    @Test
    void aRetriedParallelStateRunsAllItsBranchesAgain() {
        AtomicInteger flaky = new AtomicInteger();
        AtomicInteger steady = new AtomicInteger();
        ExecutionResult r = run("""
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": true,
                  "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1}],
                  "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "flaky", "End": true}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "steady", "End": true}}}]}}}""",
                "{}", (res, in, ctx) -> {
                    if (res.equals("flaky") && flaky.incrementAndGet() == 1) {
                        throw new TaskFailedException("Flaky", null);
                    }
                    if (res.equals("steady")) {
                        steady.incrementAndGet();
                    }
                    return json("\"" + res + "\"");
                });
        assertThat(r.output()).isEqualTo(json("[\"flaky\", \"steady\"]"));
        assertThat(flaky.get()).isEqualTo(2);
        assertThat(steady.get()).isBetween(1, 2);
    }

    @Test
    void mapResultsAreInInputOrderAndMaxConcurrencyIsRespected() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        var plan = new AslTestSupport.Recorder((res, in, ctx) -> {
            if (!res.endsWith(":function:plan")) {
                return json("{\"from\": \"" + res + "\"}");
            }
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                // Later items finish first.
                return sleepThenEcho(json("{\"planned\": \"" + in.get("layer").textValue() + "\", \"index\": "
                        + in.get("index") + ", \"env\": \"" + in.get("environment").textValue() + "\"}"),
                        120 - 20L * in.get("index").intValue());
            } finally {
                running.decrementAndGet();
            }
        });
        ExecutionResult r = AslTestSupport.runner(plan).build().execute(fixture("fan-out.asl.json"), json("""
                {"environment": "dev", "layers": ["account", "iam", "monitoring", "vpc", "eks"]}"""), "fan");

        assertThat(r.succeeded()).as("%s %s", r.error(), r.cause()).isTrue();
        assertThat(r.output().get("plans")).isEqualTo(json("""
                [{"planned": "account", "index": 0, "env": "dev"}, {"planned": "iam", "index": 1, "env": "dev"},
                 {"planned": "monitoring", "index": 2, "env": "dev"}, {"planned": "vpc", "index": 3, "env": "dev"},
                 {"planned": "eks", "index": 4, "env": "dev"}]"""));
        assertThat(peak.get()).isEqualTo(2);
        // The Parallel report: both integrations get their effective Parameters, resource unchanged.
        AslTestSupport.Call put = plan.calls.stream().filter(c -> c.resource().equals("arn:aws:states:::s3:putObject"))
                .findFirst().orElseThrow();
        assertThat(put.input().get("Bucket").textValue()).isEqualTo("qualisys-reports");
        assertThat(put.input().get("Key").textValue()).isEqualTo("dev/drift.json");
        assertThat(put.input().get("Body")).isEqualTo(r.output().get("plans"));
        AslTestSupport.Call publish = plan.calls.stream().filter(c -> c.resource().equals("arn:aws:states:::sns:publish"))
                .findFirst().orElseThrow();
        assertThat(json(publish.input().get("Message").textValue())).isEqualTo(r.output().get("plans"));
        assertThat(r.output().get("report")).isEqualTo(json("""
                {"stored": {"from": "arn:aws:states:::s3:putObject"}, "published": {"from": "arn:aws:states:::sns:publish"}}"""));
    }

    @Test
    void legacyIteratorAndParametersAndAnEmptyArray() {
        String definition = """
                {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                  "Parameters": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "k.$": "$.k"},
                  "Iterator": {"StartAt": "Double", "States": {"Double": {"Type": "Pass",
                    "Parameters": {"twice.$": "States.MathAdd($.value, $.value)", "at.$": "$.index", "k.$": "$.k"},
                    "End": true}}}}}}""";
        ExecutionResult r = run(definition, "{\"items\": [1, 2, 3], \"k\": \"x\"}", AslTestSupport.NO_TASKS);
        assertThat(r.output()).isEqualTo(json("""
                [{"twice": 2, "at": 0, "k": "x"}, {"twice": 4, "at": 1, "k": "x"}, {"twice": 6, "at": 2, "k": "x"}]"""));

        assertThat(run(definition, "{\"items\": [], \"k\": \"x\"}", AslTestSupport.NO_TASKS).output()).isEqualTo(json("[]"));
    }

    @Test
    void aFailingIterationFailsTheMapWithItsError() {
        ExecutionResult r = run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "MaxConcurrency": 1,
                  "ItemProcessor": {"StartAt": "Check", "States": {
                    "Check": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}],
                              "Default": "Good"},
                    "Bad": {"Type": "Fail", "Error": "Item.Bad", "Cause": "item 2"},
                    "Good": {"Type": "Succeed"}}}}}}""", "[1, 2, 3]", AslTestSupport.NO_TASKS);
        assertThat(r.error()).isEqualTo("Item.Bad");
        assertThat(r.cause()).isEqualTo("item 2");
        assertThat(r.events(HistoryEventType.MAP_ITERATION_FAILED)).singleElement()
                .satisfies(e -> assertThat(e.details().get("index").intValue()).isEqualTo(1));
    }

    @Test
    void itemsPathMustSelectAnArray() {
        ExecutionResult r = run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": true,
                  "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}""",
                "{\"items\": {\"not\": \"an array\"}}", AslTestSupport.NO_TASKS);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("ItemsPath '$.items' must select a JSON array, got an object");
    }

    @Test
    void maxConcurrencyPathIsReadFromTheInput() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        ExecutionResult r = run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrencyPath": "$.limit", "ItemsPath": "$.items",
                  "End": true, "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "t",
                  "End": true}}}}}}""", "{\"limit\": 3, \"items\": [1, 2, 3, 4, 5, 6, 7, 8]}", (res, in, ctx) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return sleepThenEcho(in, 40);
            } finally {
                running.decrementAndGet();
            }
        });
        assertThat(r.output()).isEqualTo(json("[1, 2, 3, 4, 5, 6, 7, 8]"));
        assertThat(peak.get()).isEqualTo(3);
    }
}
