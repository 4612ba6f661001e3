package com.qualisys.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.ProvisionHistory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

class PendingApprovalTest {
    private static final String PLAN_VPC = "{\"layer\":\"vpc\",\"changes\":1,\"destructive\":true,\"summary\":\"-/+ vpc/subnet/private-a\"}";

    @Test
    void aDestructivePlanWaitingForApprovalYieldsTheTokenOfItsRequestApprovalTask() {
        ProvisionHistory h = new ProvisionHistory("dev-1");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        long plan = h.lambdaTask(start, "PlanLayer", "plan-layer", "{\"layer\":\"vpc\"}", "{\"layer\":\"vpc\"}", PLAN_VPC);
        h.approvalRequested(plan, "dev", "vpc", "AAAAKgAAAAIAAAAAAAAAAQ-token-vpc");

        PendingApproval pending = PendingApproval.find(new ExecutionHistory(h.events())).orElseThrow();

        assertThat(pending.taskToken()).isEqualTo("AAAAKgAAAAIAAAAAAAAAAQ-token-vpc");
        assertThat(pending.layer()).isEqualTo("vpc");
        assertThat(pending.environment()).isEqualTo("dev");
    }

    @Test
    void anAnsweredApprovalIsNotPendingAndTheNextLayersApprovalIs() {
        ProvisionHistory h = new ProvisionHistory("dev-2");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        long submitted = h.approvalRequested(start, "dev", "vpc", "token-vpc");
        long answered = h.taskSucceeded(submitted, "invoke.waitForTaskToken", "{\"approved\":true,\"by\":\"arn:aws:iam::111122223333:user/alice\"}");
        long exited = h.stateExited(answered, HistoryEventType.TASK_STATE_EXITED, "RequestApproval", "{}");
        ExecutionHistory afterVpc = new ExecutionHistory(h.events());
        assertThat(PendingApproval.find(afterVpc)).isEmpty();

        h.approvalRequested(exited, "dev", "rds", "token-rds");
        assertThat(PendingApproval.find(new ExecutionHistory(h.events()))).get()
                .satisfies(p -> assertThat(p.taskToken()).isEqualTo("token-rds"))
                .satisfies(p -> assertThat(p.layer()).isEqualTo("rds"));
    }

    @Test
    void aRetriedApprovalRequestIsAnsweredWithTheTokenOfItsLatestAttempt() {
        ProvisionHistory h = new ProvisionHistory("dev-3");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        long firstAttempt = h.approvalRequested(start, "dev", "vpc", "token-attempt-1");
        long failed = h.taskFailed(firstAttempt, "invoke.waitForTaskToken", "Lambda.TooManyRequestsException", "Rate exceeded");
        h.approvalScheduled(failed, "dev", "vpc", "token-attempt-2");

        assertThat(PendingApproval.find(new ExecutionHistory(h.events())).orElseThrow().taskToken()).isEqualTo("token-attempt-2");
    }

    @Test
    void anApprovalThatTimedOutOrAnExecutionThatEndedHasNothingPending() {
        ProvisionHistory timedOut = new ProvisionHistory("dev-4");
        long submitted = timedOut.approvalRequested(timedOut.executionStarted("{}"), "dev", "vpc", "token");
        timedOut.taskTimedOut(submitted, "invoke.waitForTaskToken", "States.Timeout");
        assertThat(PendingApproval.find(new ExecutionHistory(timedOut.events()))).isEmpty();

        ProvisionHistory aborted = new ProvisionHistory("dev-5");
        long waiting = aborted.approvalRequested(aborted.executionStarted("{}"), "dev", "vpc", "token");
        aborted.executionFailed(waiting, "States.Aborted", "stopped by an operator");
        assertThat(PendingApproval.find(new ExecutionHistory(aborted.events()))).isEmpty();
    }

    @Test
    void otherTasksWithoutATokenAreNotApprovals() {
        ProvisionHistory h = new ProvisionHistory("dev-6");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        h.lambdaTask(start, "PlanLayer", "plan-layer", "{\"layer\":\"vpc\"}", "{\"layer\":\"vpc\"}", PLAN_VPC);
        assertThat(PendingApproval.find(new ExecutionHistory(h.events()))).isEmpty();
    }

    @Test
    void theTokenNeverAppearsInTheApprovalsTextForm() {
        ProvisionHistory h = new ProvisionHistory("dev-7");
        h.approvalRequested(h.executionStarted("{}"), "dev", "vpc", "secret-token-value");
        assertThat(PendingApproval.find(new ExecutionHistory(h.events())).orElseThrow().toString())
                .contains("vpc").doesNotContain("secret-token-value");
    }
}
