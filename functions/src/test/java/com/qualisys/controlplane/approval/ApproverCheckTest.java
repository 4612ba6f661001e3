package com.qualisys.controlplane.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The matching rules where CloudTrail does not show an answer's output (as it may hide it in AWS). */
class ApproverCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";
    private static final ApproverCheck.Execution RUN =
            ApproverCheck.Execution.of("arn:aws:states:eu-west-1:111122223333:execution:qualisys-provision:production-1");
    private static final Instant STARTED = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant REQUESTED = Instant.parse("2026-12-02T10:05:00Z");
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    private static final String BOB = "arn:aws:sts::111122223333:assumed-role/Approvers/bob@example.com";

    @Test
    void aHiddenAnswerIsACandidateAndOneByTheStarterAmongThemRefusesTheRun() {
        List<StepFunctionsCall> calls = List.of(start(ALICE), answer(BOB, HIDDEN, 60), answer(ALICE, HIDDEN, 61));

        assertThatThrownBy(() -> ApproverCheck.decide(RUN, REQUESTED, calls, true, "production"))
                .isInstanceOf(ApproverRefusedException.class)
                .hasMessageContaining(ALICE + " started execution " + RUN.arn() + " and is among the principals that answered it");
    }

    @Test
    void aHiddenAnswerByAnotherPrincipalIsTheApproverAndAnAssumedRoleCountsAsItsRole() {
        ApproverCheck.Verdict verdict = ApproverCheck.decide(RUN, REQUESTED, List.of(start(ALICE), answer(BOB, HIDDEN, 60)), true, "production");

        assertThat(verdict.approver()).isEqualTo("arn:aws:iam::111122223333:role/Approvers");
        assertThat(verdict.starter()).isEqualTo(ALICE);
    }

    @Test
    void answersBeforeTheRequestFailedCallsAndStartsOfOtherRunsDoNotCount() {
        ObjectNode otherStart = JSON.createObjectNode().put("name", "production-2").put("stateMachineArn", RUN.stateMachineArn());
        List<StepFunctionsCall> calls = List.of(
                new StepFunctionsCall("s2", "StartExecution", BOB, STARTED, false, otherStart),
                answer(ALICE, HIDDEN, -60),
                new StepFunctionsCall("f", "SendTaskSuccess", ALICE, REQUESTED.plusSeconds(30), true,
                        JSON.createObjectNode().put("output", HIDDEN)),
                answer(BOB, HIDDEN, 90));

        assertThatThrownBy(() -> ApproverCheck.decide(RUN, REQUESTED, calls, true, "production"))
                .isInstanceOf(ApprovalNotRecordedException.class).hasMessageContaining("no StartExecution of " + RUN.arn());
        assertThat(ApproverCheck.decide(RUN, REQUESTED, calls, false, "dev").approver()).isEqualTo("arn:aws:iam::111122223333:role/Approvers");
    }

    @Test
    void aStarterActingThroughTheSameRoleUnderAnotherSessionNameIsStillTheStarter() {
        String aliceAsApprover = "arn:aws:sts::111122223333:assumed-role/Approvers/not-alice";
        String aliceStarting = "arn:aws:sts::111122223333:assumed-role/Approvers/alice";
        List<StepFunctionsCall> calls = List.of(start(aliceStarting), answer(aliceAsApprover, HIDDEN, 60));

        assertThatThrownBy(() -> ApproverCheck.decide(RUN, REQUESTED, calls, true, "production")).isInstanceOf(ApproverRefusedException.class);
    }

    private static StepFunctionsCall start(String who) {
        ObjectNode parameters = JSON.createObjectNode().put("name", RUN.name()).put("stateMachineArn", RUN.stateMachineArn()).put("input", HIDDEN);
        return new StepFunctionsCall("start", "StartExecution", who, STARTED, false, parameters);
    }

    private static StepFunctionsCall answer(String who, String output, int secondsAfterRequest) {
        ObjectNode parameters = JSON.createObjectNode().put("taskToken", HIDDEN).put("output", output);
        return new StepFunctionsCall("answer-" + who + secondsAfterRequest, "SendTaskSuccess", who,
                REQUESTED.plusSeconds(secondsAfterRequest), false, parameters);
    }
}
