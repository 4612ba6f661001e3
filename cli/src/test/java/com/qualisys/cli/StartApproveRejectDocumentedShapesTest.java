package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.cli.testing.AwsApiStub;
import com.qualisys.cli.testing.Cli;
import com.qualisys.cli.testing.ProvisionHistory;
import com.qualisys.cli.testing.ScriptedExecution;
import com.qualisys.cli.testing.SdkWire;
import com.qualisys.controlplane.handlers.StateMachines;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.ListStateMachinesResponse;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * What moto's Step Functions does not show: a real provision execution's history (Lambda tasks,
 * Map iterations, a readiness loop long enough to need several pages), paged reads in reverse
 * order, SendTaskSuccess/Failure with their error and cause, and the errors AWS answers with.
 * The real SDK clients talk to a loopback endpoint answering the documented JSON 1.0 shapes.
 */
class StartApproveRejectDocumentedShapesTest {
    private static final String OPERATOR = "arn:aws:sts::111122223333:assumed-role/QualisysOperator/alice";
    private static final String TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAeXAMPLEtokenForTheVpcApproval";
    private final AwsApiStub stub = AwsApiStub.start().callerIdentity(OPERATOR, ProvisionHistory.ACCOUNT);
    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        background.shutdownNow();
        stub.close();
    }

    @Test
    void startFindsTheMachineOnAnyPageFollowsALongExecutionAndTheApprovalFromAnotherTerminalLetsItFinish() throws Exception {
        deployedMachinesOnTwoPages(true);
        ProvisionHistory h = new ProvisionHistory("dev-20260301T090000Z-c0ffee");
        int pauseAt = provisionOfVpcAndEks(h, 40);
        ScriptedExecution execution = new ScriptedExecution(h.executionArn(), h.events(), 150, pauseAt, "SUCCEEDED",
                "{\"reportKey\":\"reports/dev/2026-03-01T09-09-00.000Z.json\",\"summary\":\"2 change(s) applied\"}").serveOn(stub);
        stub.on("states.StartExecution", c -> AwsApiStub.Answer.json(SdkWire.json(StartExecutionResponse.builder()
                .executionArn(h.executionArn()).startDate(ProvisionHistory.T0).build())));

        JsonNode answer;
        Future<Cli.Result> started = background.submit(() -> Cli.run("start", "provision", "--env", "dev",
                "--name", "dev-20260301T090000Z-c0ffee", "--emulator", "--endpoint-url", stub.endpoint(), "--poll-interval", "20"));
        awaitUntil(execution::waitingForAnswer);
        Cli.Result approve;
        try (AwsApiStub otherTerminal = AwsApiStub.start().callerIdentity(OPERATOR, ProvisionHistory.ACCOUNT)) {
            execution.serveOn(otherTerminal);
            approve = Cli.run("approve", h.executionArn(), "--emulator", "--endpoint-url", otherTerminal.endpoint());
            assertThat(execution.eventsServed(otherTerminal)).as("approve reads the history once").isEqualTo(pauseAt);
            answer = otherTerminal.calls("states.SendTaskSuccess").getFirst().json();
        }
        Cli.Result run = started.get(60, TimeUnit.SECONDS);

        JsonNode startRequest = stub.calls("states.StartExecution").getFirst().json();
        assertThat(startRequest.get("stateMachineArn").asText()).isEqualTo(ProvisionHistory.STATE_MACHINE_ARN);
        assertThat(startRequest.get("input").asText()).isEqualTo("{\"environment\":\"dev\"}");
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        assertThat(approve.out()).isEqualTo("approved layer vpc of dev in " + h.executionArn() + " (as " + OPERATOR + ")\n");
        assertThat(answer.get("taskToken").asText()).isEqualTo(TOKEN);
        assertThat(answer.get("output").asText()).isEqualTo("{\"approved\":true,\"by\":\"" + OPERATOR + "\",\"execution\":\"" + h.executionArn() + "\"}");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err().lines().filter(l -> l.startsWith("[")).map(l -> l.substring(l.indexOf(']') + 2)).distinct().toList())
                .containsExactly(
                        "AcquireLock",
                        "PlanLayer vpc: 2 change(s), destructive",
                        "RequestApproval vpc is waiting for approval: qualisys approve " + h.executionArn()
                                + "  (or: qualisys reject " + h.executionArn() + " --reason ...)",
                        "RequestApproval vpc",
                        "ApplyLayer vpc: 2 change(s) applied",
                        "CheckReady vpc: not ready yet [\"vpc/nat-gateway/public-a\"]",
                        "CheckReady vpc: ready",
                        "PlanLayer eks: 0 change(s)",
                        "ApplyLayer eks: 0 change(s) applied",
                        "CheckReady eks: ready",
                        "ReleaseLock",
                        "WriteResult");
        assertThat(run.out()).startsWith("SUCCEEDED in ").contains("\"summary\":\"2 change(s) applied\"");

        // A long history (several pages) is followed incrementally: start fetches each event about once, where
        // re-reading the history at every poll would fetch the early events at every poll.
        int servedToStart = execution.eventsServed(stub);
        assertThat(h.events().size()).isGreaterThan(3 * 100);
        assertThat(stub.calls("states.GetExecutionHistory").stream().filter(c -> c.json().hasNonNull("nextToken"))).isNotEmpty();
        assertThat(servedToStart).isLessThan(2 * h.events().size());
        System.out.printf("history of %d events: start fetched %d events in %d GetExecutionHistory calls%n",
                h.events().size(), servedToStart, stub.calls("states.GetExecutionHistory").size());
    }

    @Test
    void rejectFailsTheApprovalTaskWithQualisysRejectedAndTheReasonAsCause() {
        ProvisionHistory h = new ProvisionHistory("dev-reject");
        int pauseAt = provisionOfVpcAndEks(h, 0);
        new ScriptedExecution(h.executionArn(), h.events(), pauseAt, pauseAt, "FAILED", null).serveOn(stub);

        Cli.Result reject = Cli.run("reject", h.executionArn(), "--emulator", "--endpoint-url", stub.endpoint(),
                "--reason", "replaces subnet private-a while nodes run in it");

        assertThat(reject.exitCode()).as(reject.toString()).isZero();
        JsonNode failure = stub.calls("states.SendTaskFailure").getFirst().json();
        assertThat(failure.get("taskToken").asText()).isEqualTo(TOKEN);
        assertThat(failure.get("error").asText()).isEqualTo(StateMachines.REJECTED_ERROR);
        assertThat(failure.get("cause").asText()).isEqualTo("rejected by " + OPERATOR + ": replaces subnet private-a while nodes run in it");
        assertThat(stub.calls("states.SendTaskSuccess")).isEmpty();
    }

    @Test
    void anApprovalThatTimedOutMeanwhileIsReportedAsSuch() {
        ProvisionHistory h = new ProvisionHistory("dev-late");
        int pauseAt = provisionOfVpcAndEks(h, 0);
        new ScriptedExecution(h.executionArn(), h.events(), pauseAt, pauseAt, "FAILED", null).serveOn(stub);
        stub.on("states.SendTaskSuccess", c -> AwsApiStub.Answer.jsonError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"));

        Cli.Result approve = Cli.run("approve", h.executionArn(), "--emulator", "--endpoint-url", stub.endpoint());

        assertThat(approve.exitCode()).isEqualTo(1);
        // One line naming the service, the endpoint asked, AWS's error code and message.
        assertThat(approve.err()).startsWith("error: Sfn at http://127.0.0.1:")
                .endsWith(": TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore'\n").hasLineCount(1);
    }

    @Test
    void aRunningExecutionThatIsNotWaitingForApprovalIsAClearErrorAndNothingIsSent() {
        ProvisionHistory h = new ProvisionHistory("dev-busy");
        long start = h.executionStarted("{\"environment\":\"dev\"}");
        h.lambdaTask(start, "PlanLayer", "plan-layer", "{\"environment\":\"dev\",\"layer\":\"vpc\"}", "{\"layer\":\"vpc\"}",
                "{\"layer\":\"vpc\",\"changes\":1,\"destructive\":false}");
        new ScriptedExecution(h.executionArn(), h.events(), 1000, 1000, "SUCCEEDED", "{}").serveOn(stub);

        Cli.Result approve = Cli.run("approve", h.executionArn(), "--emulator", "--endpoint-url", stub.endpoint());

        assertThat(approve.exitCode()).isEqualTo(1);
        assertThat(approve.err()).isEqualTo("error: execution " + h.executionArn()
                + " is running but not waiting for approval (no unanswered RequestApproval task in its history)\n");
        assertThat(stub.calls().stream().filter(AwsApiStub.Call::mutating)).isEmpty();
    }

    @Test
    void startSaysWhenTheControlPlaneIsNotDeployedAndStartsNothing() {
        deployedMachinesOnTwoPages(false);

        Cli.Result r = Cli.run("start", "provision", "--env", "dev", "--emulator", "--endpoint-url", stub.endpoint());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: no state machine named qualisys-provision in us-east-1: deploy the control plane"
                + " (infra-cdk, docs/deploy.md) or give its ARN\n");
        assertThat(stub.calls("states.ListStateMachines")).hasSize(2);
        assertThat(stub.calls("states.StartExecution")).isEmpty();
    }

    /** ListStateMachines answers in two pages; provision (when deployed) is on the second. */
    private void deployedMachinesOnTwoPages(boolean withProvision) {
        stub.on("states.ListStateMachines", c -> {
            ListStateMachinesResponse.Builder page = ListStateMachinesResponse.builder();
            if (!c.json().hasNonNull("nextToken")) {
                page.stateMachines(machine("qualisys-security-response"), machine("qualisys-budget-response")).nextToken("page-2");
            } else if (withProvision) {
                page.stateMachines(machine("qualisys-drift-check"), machine(StateMachines.PROVISION.deployedName()));
            } else {
                page.stateMachines(machine("qualisys-drift-check"));
            }
            return AwsApiStub.Answer.json(SdkWire.json(page.build()));
        });
    }

    private static StateMachineListItem machine(String name) {
        return StateMachineListItem.builder().name(name).type(StateMachineType.STANDARD).creationDate(ProvisionHistory.T0.minusSeconds(86_400))
                .stateMachineArn(ProvisionHistory.STATE_MACHINE_ARN.replace("qualisys-provision", name)).build();
    }

    /**
     * provision for [vpc, eks]: vpc's plan is destructive and waits for approval, then its NAT
     * gateways take {@code notReadyChecks} readiness checks; eks has nothing to do. Returns the
     * number of events up to the approval's submission.
     */
    private static int provisionOfVpcAndEks(ProvisionHistory h, int notReadyChecks) {
        long e = h.executionStarted("{\"environment\":\"dev\"}");
        e = h.lambdaTask(e, "AcquireLock", "lock", "{\"environment\":\"dev\"}", "{\"action\":\"acquire\",\"environment\":\"dev\"}",
                "{\"lockId\":\"dev\",\"holder\":\"" + h.executionArn() + "\",\"layers\":[\"vpc\",\"eks\"],\"runDbInit\":false,"
                        + "\"approveDestructive\":false}");
        e = h.stateEntered(e, HistoryEventType.MAP_STATE_ENTERED, "ProvisionLayers", "{}");
        e = h.mapIterationStarted(e, 0);
        String vpc = "{\"environment\":\"dev\",\"layer\":\"vpc\",\"approveDestructive\":false}";
        e = h.lambdaTask(e, "PlanLayer", "plan-layer", vpc, "{\"environment\":\"dev\",\"layer\":\"vpc\",\"kind\":\"plan\"}",
                "{\"environment\":\"dev\",\"layer\":\"vpc\",\"kind\":\"plan\",\"changes\":2,\"destructive\":true,\"summary\":\"...\"}");
        e = h.stateEntered(e, HistoryEventType.CHOICE_STATE_ENTERED, "IsDestructive", vpc);
        e = h.stateExited(e, HistoryEventType.CHOICE_STATE_EXITED, "IsDestructive", vpc);
        long waiting = h.approvalRequested(e, "dev", "vpc", TOKEN);
        int pauseAt = (int) h.lastId();
        e = h.taskSucceeded(waiting, "invoke.waitForTaskToken", "{\"approved\":true,\"by\":\"" + OPERATOR + "\"}");
        e = h.stateExited(e, HistoryEventType.TASK_STATE_EXITED, "RequestApproval", vpc);
        e = h.lambdaTask(e, "ApplyLayer", "apply-layer", vpc, "{\"environment\":\"dev\",\"layer\":\"vpc\",\"approveDestructive\":true}",
                "{\"environment\":\"dev\",\"layer\":\"vpc\",\"changes\":2,\"applied\":[]}");
        for (int i = 0; i < notReadyChecks; i++) {
            e = h.lambdaTask(e, "CheckReady", "layer-readiness", vpc, "{\"environment\":\"dev\",\"layer\":\"vpc\"}",
                    "{\"layer\":\"vpc\",\"ready\":false,\"waitingFor\":[\"vpc/nat-gateway/public-a\"]}");
            e = h.stateEntered(e, HistoryEventType.WAIT_STATE_ENTERED, "WaitForLayer", vpc);
            e = h.stateExited(e, HistoryEventType.WAIT_STATE_EXITED, "WaitForLayer", vpc);
        }
        e = h.lambdaTask(e, "CheckReady", "layer-readiness", vpc, "{\"environment\":\"dev\",\"layer\":\"vpc\"}",
                "{\"layer\":\"vpc\",\"ready\":true,\"waitingFor\":[]}");
        e = h.mapIterationStarted(e, 1);
        String eks = "{\"environment\":\"dev\",\"layer\":\"eks\",\"approveDestructive\":false}";
        e = h.lambdaTask(e, "PlanLayer", "plan-layer", eks, "{\"layer\":\"eks\"}", "{\"layer\":\"eks\",\"changes\":0,\"destructive\":false}");
        e = h.lambdaTask(e, "ApplyLayer", "apply-layer", eks, "{\"layer\":\"eks\"}", "{\"layer\":\"eks\",\"changes\":0,\"applied\":[]}");
        e = h.lambdaTask(e, "CheckReady", "layer-readiness", eks, "{\"layer\":\"eks\"}", "{\"layer\":\"eks\",\"ready\":true,\"waitingFor\":[]}");
        e = h.stateExited(e, HistoryEventType.MAP_STATE_EXITED, "ProvisionLayers", "{}");
        e = h.lambdaTask(e, "ReleaseLock", "lock", "{}", "{\"action\":\"release\"}", "{\"released\":true}");
        e = h.lambdaTask(e, "WriteResult", "report", "{}", "{\"kind\":\"provision\"}", "{\"reportKey\":\"reports/dev/x.json\"}");
        h.executionSucceeded(e, "{\"reportKey\":\"reports/dev/x.json\"}");
        return pauseAt;
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
            Thread.sleep(10);
        }
    }
}
