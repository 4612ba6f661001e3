package com.qualisys.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.ProvisionHistory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

class ProgressLinesTest {

    @Test
    void eachLayersTasksReadAsOneLineWithTheLayerAndWhatHappened() {
        ProvisionHistory h = new ProvisionHistory("dev-1");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        long lock = h.lambdaTask(start, "AcquireLock", "lock", "{\"environment\":\"dev\"}", "{\"action\":\"acquire\"}",
                "{\"lockId\":\"dev\",\"holder\":\"x\",\"layers\":[\"vpc\"]}");
        long iteration = h.mapIterationStarted(lock, 0);
        String item = "{\"environment\":\"dev\",\"layer\":\"vpc\",\"approveDestructive\":false}";
        long plan = h.lambdaTask(iteration, "PlanLayer", "plan-layer", item, "{\"layer\":\"vpc\",\"kind\":\"plan\"}",
                "{\"environment\":\"dev\",\"layer\":\"vpc\",\"changes\":2,\"destructive\":true}");
        long waiting = h.approvalRequested(plan, "dev", "vpc", "token");
        long approved = h.taskSucceeded(waiting, "invoke.waitForTaskToken", "{\"approved\":true,\"by\":\"alice\"}");
        long apply = h.lambdaTask(approved, "ApplyLayer", "apply-layer", item, "{\"layer\":\"vpc\"}",
                "{\"environment\":\"dev\",\"layer\":\"vpc\",\"changes\":2,\"applied\":[]}");
        h.lambdaTask(apply, "CheckReady", "layer-readiness", item, "{\"layer\":\"vpc\"}",
                "{\"layer\":\"vpc\",\"ready\":false,\"waitingFor\":[\"vpc/nat-gateway/a\"]}");

        assertThat(lines(h)).containsExactly(
                "[    4.0s] AcquireLock",
                "[   10.0s] PlanLayer vpc: 2 change(s), destructive",
                "[   15.0s] RequestApproval vpc is waiting for approval: qualisys approve " + h.executionArn()
                        + "  (or: qualisys reject " + h.executionArn() + " --reason ...)",
                "[   16.0s] RequestApproval vpc",
                "[   20.0s] ApplyLayer vpc: 2 change(s) applied",
                "[   25.0s] CheckReady vpc: not ready yet [\"vpc/nat-gateway/a\"]");
    }

    @Test
    void aFailedTaskNamesItsErrorAndCauseAndARetryIsAnnounced() {
        ProvisionHistory h = new ProvisionHistory("dev-2");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        long entered = h.stateEntered(start, HistoryEventType.TASK_STATE_ENTERED, "PlanLayer", "{\"layer\":\"eks\"}");
        long scheduled = h.taskScheduled(entered, "invoke", "{\"FunctionName\":\"f\",\"Payload\":{\"layer\":\"eks\"}}");
        long started = h.taskStarted(scheduled, "invoke");
        long failed = h.taskFailed(started, "invoke", "com.qualisys.controlplane.handlers.ThrottledException", "Rate exceeded");
        h.taskScheduled(failed, "invoke", "{\"FunctionName\":\"f\",\"Payload\":{\"layer\":\"eks\"}}");

        assertThat(lines(h)).containsExactly(
                "[    4.0s] PlanLayer eks failed: com.qualisys.controlplane.handlers.ThrottledException Rate exceeded",
                "[    5.0s] PlanLayer eks is retried");
    }

    @Test
    void aDriftCheckReportsEachLayersCheck() {
        ProvisionHistory h = new ProvisionHistory("dev-3");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        h.lambdaTask(start, "CheckLayer", "plan-layer", "{\"environment\":\"dev\",\"layer\":\"rds\"}", "{\"layer\":\"rds\",\"kind\":\"drift\"}",
                "{\"layer\":\"rds\",\"changes\":0,\"destructive\":false}");
        assertThat(lines(h)).containsExactly("[    4.0s] CheckLayer rds: 0 change(s)");
    }

    private static List<String> lines(ProvisionHistory h) {
        ExecutionHistory history = new ExecutionHistory();
        return history.addAll(h.events()).stream()
                .map(e -> ProgressLines.line(e, history, h.executionArn()))
                .flatMap(Optional::stream)
                .toList();
    }
}
