package com.qualisys.controlplane.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.LockHandler;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * The approver of a run is the principal AWS recorded for the SendTaskSuccess, read from CloudTrail
 * (the local AWS's emulated trail, which names the caller from the request's access key), never the
 * name the answer carries. Two IAM users, alice and bob, each with their own access key: alice starts
 * runs (StartExecution through the emulator's Step Functions), either of them answers.
 */
class ApproverIdentityTest {
    private static LocalAws local;
    private static AwsClients aws;
    private static AwsClients alice;
    private static AwsClients bob;
    private static LockHandler handler;
    private static String stateMachineArn;

    @BeforeAll
    static void twoUsersAndTheDeployedStateMachine() {
        local = LocalAws.shared();
        local.reset();
        aws = local.clients();
        alice = user("alice");
        bob = user("bob");
        stateMachineArn = aws.stepFunctions().createStateMachine(r -> r.name("qualisys-provision")
                .roleArn("arn:aws:iam::" + aws.accountId() + ":role/qualisys-provision")
                .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}")).stateMachineArn();
        handler = new LockHandler(new ControlPlane(TestSpecs.loader(), s -> aws, List.of(new VpcLayer()),
                new ControlPlane.Settings(null, null, null, null, null)));
    }

    @AfterAll
    static void close() {
        alice.close();
        bob.close();
        aws.close();
    }

    @Test
    void theApproverIsWhoCalledSendTaskSuccessNotTheNameTheAnswerCarries() {
        Run run = startedBy(alice);
        answer(bob, run, "{\"approved\":true,\"by\":\"arn:aws:iam::" + aws.accountId() + ":user/carol\",\"execution\":\"" + run.arn + "\"}");

        Map<String, Object> out = identify("production", run, Map.of("approved", true, "by", "carol"));

        assertThat(out.get("approver")).isEqualTo(arn("bob"));
        assertThat(out.get("starter")).isEqualTo(arn("alice"));
        assertThat(out.get("verifiedBy")).isEqualTo("cloudtrail");
        assertThat((List<?>) out.get("evidence")).hasSize(1);
    }

    @Test
    void productionRefusesTheStartersOwnApprovalNamingItAndTheRule() {
        Run run = startedBy(alice);
        answer(alice, run, "{\"approved\":true,\"by\":\"someone-else\",\"execution\":\"" + run.arn + "\"}");

        assertThatThrownBy(() -> identify("production", run, Map.of("approved", true, "by", "someone-else")))
                .isInstanceOf(ApproverRefusedException.class)
                .hasMessageContaining(arn("alice") + " started execution " + run.arn + " and approved it")
                .hasMessageContaining("environment production requires an approver other than the starter (responses.distinctApprover)")
                .hasMessageContaining("Nothing was applied");
    }

    @Test
    void devRecordsTheStartersOwnApprovalAsTheirs() {
        Run run = startedBy(alice);
        answer(alice, run, "{\"approved\":true,\"execution\":\"" + run.arn + "\"}");

        Map<String, Object> out = identify("dev", run, Map.of("approved", true));

        assertThat(out.get("approver")).isEqualTo(arn("alice"));
        assertThat(out.get("starter")).isEqualTo(arn("alice"));
    }

    @Test
    void anotherRunsApprovalInTheSameWindowIsNotThisOne() {
        Run mine = startedBy(alice);
        Run other = startedBy(alice);
        answer(bob, other, "{\"approved\":true,\"execution\":\"" + other.arn + "\"}");
        answer(alice, mine, "{\"approved\":true,\"execution\":\"" + mine.arn + "\"}");

        assertThatThrownBy(() -> identify("production", mine, Map.of("approved", true)))
                .isInstanceOf(ApproverRefusedException.class).hasMessageContaining(arn("alice") + " started execution " + mine.arn + " and approved it");
        assertThat(identify("production", other, Map.of("approved", true)).get("approver")).isEqualTo(arn("bob"));
    }

    @Test
    void anAnswerCloudTrailHasNotRecordedYetIsWaitedFor() {
        Run run = startedBy(alice);

        assertThatThrownBy(() -> identify("production", run, Map.of("approved", true)))
                .isInstanceOf(ApprovalNotRecordedException.class)
                .hasMessageContaining("CloudTrail has no SendTaskSuccess for execution " + run.arn);
    }

    @Test
    void aLocalApprovalHasNoAwsIdentitySoProductionRefusesItAndDevMarksItUnverified() {
        Run run = startedBy(alice);
        Map<String, Object> local = Map.of("approved", true, "by", "local:alice", "local", true);

        assertThatThrownBy(() -> identify("production", run, local)).isInstanceOf(ApproverRefusedException.class)
                .hasMessageContaining("a local approval (approve --local) has no AWS identity");
        Map<String, Object> out = identify("dev", run, local);
        assertThat(out.get("approver")).isEqualTo("local:alice");
        assertThat((String) out.get("verifiedBy")).startsWith("none");
    }

    @Test
    void productionRefusesARunThatApprovesItsOwnDestructiveChangesBeforeTakingTheLock() {
        aws.calls().reset();
        assertThatThrownBy(() -> handler.handleRequest(Map.of("action", "acquire", "environment", "production",
                "holder", "arn:aws:states:us-east-1:" + aws.accountId() + ":execution:qualisys-provision:production-self",
                "input", Map.of("approveDestructive", true)), null))
                .isInstanceOf(com.qualisys.controlplane.handlers.BadInputException.class)
                .hasMessageContaining("input field 'approveDestructive' is true, but environment production requires destructive changes "
                        + "to be approved by someone other than the run's starter (responses.distinctApprover)");
        assertThat(aws.calls().total()).as("no call: nothing locked").isZero();
    }

    private record Run(String arn, Instant startedAt, Instant requestedAt) {}

    private static Run startedBy(AwsClients who) {
        Instant startedAt = Instant.now();
        String arn = who.stepFunctions().startExecution(r -> r.stateMachineArn(stateMachineArn)
                .name("production-" + UUID.randomUUID()).input("{}")).executionArn();
        return new Run(arn, startedAt, Instant.now());
    }

    private static void answer(AwsClients who, Run run, String output) {
        who.stepFunctions().sendTaskSuccess(r -> r.taskToken("token-" + run.arn.hashCode()).output(output));
    }

    private static Map<String, Object> identify(String environment, Run run, Map<String, Object> approval) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("action", "identify-approver");
        input.put("environment", environment);
        input.put("executionId", run.arn);
        input.put("startedAt", run.startedAt.toString());
        input.put("requestedAt", run.requestedAt.toString());
        input.put("approval", approval);
        return handler.handleRequest(input, null);
    }

    private static String arn(String user) {
        return "arn:aws:iam::" + aws.accountId() + ":user/" + user;
    }

    private static AwsClients user(String name) {
        aws.iam().createUser(r -> r.userName(name));
        AccessKey key = aws.iam().createAccessKey(r -> r.userName(name)).accessKey();
        return AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .build();
    }
}
