package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** .waitForTaskToken tasks answered from another thread, and from another process through files. */
class TaskTokenTest {
    private static final String APPROVAL_FN = AslTestSupport.FIXTURE_SUBSTITUTIONS.get("RequestApprovalFn");

    /** Plans a destructive change, records the approval request, applies. */
    private static AslTestSupport.Recorder handlers() {
        return new AslTestSupport.Recorder((res, in, ctx) -> {
            if (res.endsWith(":plan")) {
                return json("{\"destructive\": true, \"changes\": [\"REPLACE vpc/subnet/private-a\"]}");
            }
            if (res.endsWith(":apply")) {
                return json("{\"applied\": true}");
            }
            return json("{\"ignored\": \"a waitForTaskToken task's own return value is not its result\"}");
        });
    }

    private static CompletableFuture<ExecutionResult> start(LocalRunner runner) {
        return CompletableFuture.supplyAsync(() -> runner.execute(fixture("approval.asl.json"),
                json("{\"environment\": \"dev\"}"), "approve-me"));
    }

    @Test
    void anApprovalAnsweredFromAnotherThreadResumesTheExecution() throws Exception {
        InMemoryTaskTokenBroker broker = new InMemoryTaskTokenBroker();
        var handlers = handlers();
        CompletableFuture<ExecutionResult> execution = start(AslTestSupport.runner(handlers).taskTokenBroker(broker).build());

        PendingTask pending = broker.awaitPending("Approve", Duration.ofSeconds(10));
        AslTestSupport.Call request = handlers.calls.stream().filter(c -> c.resource().equals(APPROVAL_FN))
                .findFirst().orElseThrow();
        // The dispatcher got the Payload, with the token from $$.Task.Token.
        assertThat(request.input().get("token").textValue()).isEqualTo(pending.token());
        assertThat(request.ctx().taskToken()).isEqualTo(pending.token());
        assertThat(request.input().get("plan").get("destructive").booleanValue()).isTrue();
        assertThat(request.input().get("execution").textValue()).endsWith(":execution:approval:approve-me");
        assertThat(pending.executionId()).isEqualTo(request.input().get("execution").textValue());
        assertThat(execution).isNotDone();

        broker.sendTaskSuccess(pending.token(), json("{\"approvedBy\": \"ops@qualisys\"}"));

        ExecutionResult r = execution.get(10, TimeUnit.SECONDS);
        assertThat(r.succeeded()).as("%s %s", r.error(), r.cause()).isTrue();
        assertThat(r.output()).isEqualTo(json("{\"applied\": true}"));
        AslTestSupport.Call apply = handlers.calls.get(handlers.calls.size() - 1);
        assertThat(apply.input().get("approval")).isEqualTo(json("{\"approvedBy\": \"ops@qualisys\"}"));
        assertThat(broker.pending()).isEmpty();
        assertThatThrownBy(() -> broker.sendTaskSuccess(pending.token(), json("{}")))
                .hasMessageContaining("TaskDoesNotExist");
    }

    @Test
    void aRejectionFailsTheTaskWithTheGivenErrorWhichCatchRoutes() throws Exception {
        InMemoryTaskTokenBroker broker = new InMemoryTaskTokenBroker();
        CompletableFuture<ExecutionResult> execution = start(AslTestSupport.runner(handlers()).taskTokenBroker(broker).build());

        PendingTask pending = broker.awaitPending("Approve", Duration.ofSeconds(10));
        broker.sendTaskFailure(pending.token(), "Rejected", "replacing the VPC is not allowed today");

        ExecutionResult r = execution.get(10, TimeUnit.SECONDS);
        assertThat(r.statesEntered()).containsExactly("Plan", "Destructive?", "Approve", "Rejected");
        assertThat(r.error()).isEqualTo("ApprovalRejected");
        assertThat(r.cause()).isEqualTo("replacing the VPC is not allowed today");
    }

    @Test
    void aNonDestructivePlanSkipsTheApproval() {
        var handlers = new AslTestSupport.Recorder((res, in, ctx) ->
                res.endsWith(":plan") ? json("{\"destructive\": false}") : json("{\"applied\": true}"));
        ExecutionResult r = AslTestSupport.runner(handlers).build()
                .execute(fixture("approval.asl.json"), json("{}"), null);
        assertThat(r.statesEntered()).containsExactly("Plan", "Destructive?", "Apply");
    }

    @Test
    void anotherProcessAnswersThroughTheFileBroker(@TempDir Path dir) throws Exception {
        FileTaskTokenBroker runnerSide = new FileTaskTokenBroker(dir, Duration.ofMillis(20));
        CompletableFuture<ExecutionResult> execution = start(
                AslTestSupport.runner(handlers()).taskTokenBroker(runnerSide).build());

        // What `qualisys approve` does: its own broker on the same directory.
        FileTaskTokenBroker approver = new FileTaskTokenBroker(dir);
        PendingTask pending = null;
        for (int i = 0; i < 500 && pending == null; i++) {
            pending = approver.pending().stream().findFirst().orElse(null);
            Thread.sleep(10);
        }
        assertThat(pending).as("a pending task file appeared").isNotNull();
        assertThat(pending.stateName()).isEqualTo("Approve");
        assertThat(pending.executionId()).endsWith(":execution:approval:approve-me");
        assertThat(dir.resolve(pending.token() + ".pending.json")).exists();

        approver.sendTaskSuccess(pending.token(), json("{\"approvedBy\": \"cli\"}"));

        ExecutionResult r = execution.get(10, TimeUnit.SECONDS);
        assertThat(r.succeeded()).as("%s %s", r.error(), r.cause()).isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files).as("answer and pending files are cleaned up").isEmpty();
        }
        assertThatThrownBy(() -> approver.sendTaskSuccess("../../etc/passwd", json("{}")))
                .hasMessageContaining("not a task token");
        assertThatThrownBy(() -> approver.sendTaskFailure("0f1e2d3c-unknown", "Rejected", null))
                .hasMessageContaining("TaskDoesNotExist");
    }

    @Test
    void aFailureAnswerFileFailsTheTask(@TempDir Path dir) throws Exception {
        FileTaskTokenBroker broker = new FileTaskTokenBroker(dir, Duration.ofMillis(20));
        CompletableFuture<ExecutionResult> execution = start(AslTestSupport.runner(handlers()).taskTokenBroker(broker).build());
        PendingTask pending = null;
        for (int i = 0; i < 500 && pending == null; i++) {
            pending = broker.pending().stream().findFirst().orElse(null);
            Thread.sleep(10);
        }
        assertThat(pending).isNotNull();
        broker.sendTaskFailure(pending.token(), "Rejected", "no");
        ExecutionResult r = execution.get(10, TimeUnit.SECONDS);
        assertThat(r.error()).isEqualTo("ApprovalRejected");
        assertThat(r.cause()).isEqualTo("no");
    }

    @Test
    void aFailedDispatchReleasesItsToken() {
        InMemoryTaskTokenBroker broker = new InMemoryTaskTokenBroker();
        ExecutionResult r = AslTestSupport.runner((res, in, ctx) -> {
            throw new TaskFailedException("SQS.QueueDoesNotExist", "no queue q");
        }).taskTokenBroker(broker).build().execute(StateMachineDefinition.parse("""
                {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
                  "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}"""),
                json("{}"), null);
        assertThat(r.error()).isEqualTo("SQS.QueueDoesNotExist");
        assertThat(broker.pending()).isEmpty();
    }

    @Test
    void anUnansweredTokenTimesOutAfterTimeoutSeconds() {
        InMemoryTaskTokenBroker broker = new InMemoryTaskTokenBroker();
        long start = System.nanoTime();
        ExecutionResult r = AslTestSupport.runner((res, in, ctx) -> json("{}")).taskTokenBroker(broker).build()
                .execute(StateMachineDefinition.parse("""
                        {"StartAt": "Wait for human", "States": {"Wait for human": {"Type": "Task",
                          "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                          "TimeoutSeconds": 1, "End": true}}}"""), json("{}"), null);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.error()).isEqualTo("States.Timeout");
        assertThat(broker.pending()).isEmpty();
        JsonNode scheduled = r.events(HistoryEventType.TASK_SCHEDULED).get(0).details();
        // Other integrations keep their resource, .waitForTaskToken included.
        assertThat(scheduled.get("resource").textValue()).isEqualTo("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
    }
}
