package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.aws.ExecutionHistory;
import com.qualisys.cli.aws.HistoryReader;
import com.qualisys.cli.aws.PendingApproval;
import com.qualisys.cli.testing.Cli;
import com.qualisys.cli.testing.MotoStepFunctions;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.layers.Layers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code start}, {@code approve} and {@code reject} against moto's Step Functions, which really
 * runs the executions (its ASL interpreter, SNS tasks, task tokens). The deployed machines are
 * stand-ins with provision's and drift-check's shapes (test resources moto/*.asl.json): moto
 * cannot run the Lambda tasks of the real definitions.
 */
class StartApproveRejectOnMotoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CALLER = "arn:aws:sts::123456789012:user/moto";
    private static MotoServer moto;
    private static AwsClients aws;
    private static String provisionArn;
    private static final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    static void deployStandIns() throws IOException {
        moto = MotoServer.shared();
        moto.reset();
        MotoStepFunctions.executeStateMachines(true);
        aws = moto.clients();
        String topic = aws.sns().createTopic(r -> r.name("qualisys-control-plane-alerts")).topicArn();
        provisionArn = deploy(StateMachines.PROVISION, topic);
        deploy(StateMachines.DRIFT_CHECK, topic);
    }

    @AfterAll
    static void stop() {
        background.shutdownNow();
        MotoStepFunctions.executeStateMachines(false);
        aws.close();
    }

    @Test
    void startFollowsADriftCheckLayerByLayerAndExitsTwoWhenItFoundDrift() throws Exception {
        Cli.Result r = start("drift-check", "--name", "dev-drift-1");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("started arn:aws:states:us-east-1:123456789012:execution:qualisys-drift-check:dev-drift-1")
                .containsPattern("\\[ *\\d+\\.\\ds] CheckLayer vpc\n").containsPattern("\\[ *\\d+\\.\\ds] CheckLayer kubernetes\n");
        assertThat(r.out()).startsWith("SUCCEEDED in ").contains("output: {\"drift\":true,\"failedLayers\":0,\"changes\":1,"
                + "\"reportKey\":\"reports/dev/latest.json\"}");

        Cli.Result json = start("drift-check", "--json");
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.err()).isEmpty();
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(doc.get("executionArn").asText()).startsWith("arn:aws:states:us-east-1:123456789012:execution:qualisys-drift-check:dev-");
        assertThat(doc.get("output").get("drift").asBoolean()).isTrue();
    }

    @Test
    void aDestructiveLayerWaitsUntilApprovedFromTheCliAndProvisioningGoesOn() throws Exception {
        String executionArn = execution("approve-me");
        Future<Cli.Result> started = background.submit(() -> start("provision", "--name", "approve-me",
                "--input", "{\"layers\":[\"vpc\",\"kubernetes\"]}"));
        awaitPendingApproval(executionArn);

        Cli.Result approve = Cli.run("approve", executionArn, "--emulator", "--endpoint-url", moto.endpoint());

        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        assertThat(approve.out()).isEqualTo("approved layer vpc of dev in " + executionArn + " (as " + CALLER + ")\n");
        Cli.Result run = started.get(60, TimeUnit.SECONDS);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("RequestApproval vpc is waiting for approval: qualisys approve " + executionArn)
                .contains("] RequestApproval vpc\n", "] ApplyLayer vpc\n", "] PlanLayer kubernetes\n", "] ApplyLayer kubernetes\n")
                .doesNotContain("RequestApproval kubernetes");
        assertThat(run.out()).startsWith("SUCCEEDED in ");
        JsonNode output = JSON.readTree(aws.stepFunctions().describeExecution(r -> r.executionArn(executionArn)).output());
        assertThat(output.get("layers").get(0).get("approval").toString()).isEqualTo("{\"approved\":true,\"by\":\"" + CALLER + "\",\"execution\":\"" + executionArn + "\"}");

        Cli.Result again = Cli.run("approve", executionArn, "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: execution " + executionArn + " is SUCCEEDED: nothing waits for approval any more\n");
    }

    @Test
    void aRejectedLayerIsNeverAppliedAndTheExecutionFailsWithQualisysRejected() throws Exception {
        String executionArn = execution("reject-me");
        Future<Cli.Result> started = background.submit(() -> start("provision", "--name", "reject-me",
                "--input", "{\"layers\":[\"vpc\",\"kubernetes\"]}"));
        awaitPendingApproval(executionArn);

        // By name: the state machine defaults to provision; the region is given as a user without the ARN would.
        Cli.Result reject = Cli.run("reject", "reject-me", "--region", "us-east-1", "--emulator", "--endpoint-url", moto.endpoint(),
                "--reason", "replaces a subnet in use; plan it for the weekend");

        assertThat(reject.exitCode()).as(reject.toString()).isZero();
        assertThat(reject.out()).isEqualTo("rejected layer vpc of dev in " + executionArn + " (as " + CALLER + ")\n");
        Cli.Result run = started.get(60, TimeUnit.SECONDS);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).startsWith("FAILED after ").contains("error: " + StateMachines.REJECTED_ERROR);
        assertThat(run.err()).contains("RequestApproval vpc failed: Qualisys.Rejected").doesNotContain("ApplyLayer", "kubernetes");
    }

    @Test
    void badInputIsRejectedBeforeAnyExecutionStarts() {
        int before = executions();

        Cli.Result typo = start("provision", "--input", "{\"layers\":[\"vpcx\"]}");
        Cli.Result unknownEnvironment = Cli.run("start", "provision", "--env", "qa", "--emulator", "--endpoint-url", moto.endpoint());
        Cli.Result responseMachine = start("budget-response");

        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err()).isEqualTo("error: --input layers[0] \"vpcx\" is not a layer; layers: "
                + String.join(", ", Layers.all().stream().map(l -> l.name()).toList()) + "\n");
        assertThat(unknownEnvironment.exitCode()).isEqualTo(1);
        assertThat(unknownEnvironment.err()).contains("qa");
        assertThat(responseMachine.exitCode()).isEqualTo(1);
        assertThat(responseMachine.err()).contains("budget-response is started by its EventBridge rule");
        assertThat(executions()).isEqualTo(before);
    }

    @Test
    void approvingAnExecutionThatDoesNotExistOrIsNotAnExecutionIsAClearError() {
        Cli.Result missing = Cli.run("approve", execution("never-started"), "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: Sfn at http://127.0.0.1:").contains(": ExecutionDoesNotExist: Execution Does Not Exist");

        Cli.Result notAnArn = Cli.run("reject", "arn:aws:states:us-east-1:123456789012:stateMachine:qualisys-provision",
                "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(notAnArn.err()).isEqualTo("error: not an execution ARN: arn:aws:states:us-east-1:123456789012:stateMachine:qualisys-provision\n");

        Cli.Result noExecution = Cli.run("approve", "--emulator", "--endpoint-url", moto.endpoint());
        assertThat(noExecution.err()).isEqualTo("error: name the execution: its ARN, or its name with --state-machine (or --local)\n");
    }

    private static Cli.Result start(String machine, String... more) {
        String[] args = new String[6 + more.length];
        String[] head = {"start", machine, "--env", "dev", "--emulator", "--endpoint-url=" + moto.endpoint()};
        System.arraycopy(head, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        String[] withPoll = java.util.Arrays.copyOf(args, args.length + 1);
        withPoll[args.length] = "--poll-interval=50";
        return Cli.run(withPoll);
    }

    private static String execution(String name) {
        return provisionArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }

    private static int executions() {
        return aws.stepFunctions().listExecutions(r -> r.stateMachineArn(provisionArn)).executions().size();
    }

    private static void awaitPendingApproval(String executionArn) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (PendingApproval.find(new ExecutionHistory(new HistoryReader(aws.stepFunctions()).all(executionArn))).isPresent()) return;
            } catch (software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException notYet) {
                // the start command has not called StartExecution yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no approval pending in " + executionArn + " within 30 s");
    }

    private static String deploy(StateMachines machine, String topic) throws IOException {
        String definition;
        try (InputStream in = StartApproveRejectOnMotoTest.class.getResourceAsStream("/moto/" + machine.definitionName() + ".asl.json")) {
            definition = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${TopicArn}", topic);
        }
        return aws.stepFunctions().createStateMachine(r -> r.name(machine.deployedName()).definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/control-plane/qualisys-control-plane-sm-" + machine.definitionName()))
                .stateMachineArn();
    }
}
