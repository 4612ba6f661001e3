package com.qualisys.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.PendingTask;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * Approver ≠ starter end to end (issue 14): statemachines/provision.asl.json, deployed as qualisys-provision,
 * runs in the local runner with the real handlers (lock, plan, approval request, IdentifyApprover, apply)
 * against the local AWS, for an environment that requires an approver other than the starter
 * ({@code responses.distinctApprover: true}, as production's spec). Two IAM users with their own access keys:
 * alice starts the execution (StartExecution on the emulator's Step Functions, which the emulated CloudTrail
 * records with her identity); the plan replaces a subnet (destructive), so the run waits at RequestApproval;
 * the answer is a SendTaskSuccess made by alice or by bob. Who answered is what CloudTrail says.
 */
class DistinctApproverRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MOVED_CIDR = "10.0.12.0/24";
    private static final String ENV = "dev";

    private final LocalAws local = LocalAws.shared();
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private AwsClients aws;
    private AwsClients alice;
    private AwsClients bob;
    private String liveSubnet;

    @BeforeEach
    void devVpcAndTwoPeople() {
        local.reset();
        aws = local.clients();
        new Reconciler(TestSpecs.load(ENV), aws, Layers.all()).apply("vpc", false);
        liveSubnet = privateA().subnetId();
        alice = user("alice");
        bob = user("bob");
        aws.stepFunctions().createStateMachine(r -> r.name(StateMachines.PROVISION.deployedName())
                .roleArn("arn:aws:iam::" + aws.accountId() + ":role/qualisys-provision")
                .definition("{\"StartAt\":\"Done\",\"States\":{\"Done\":{\"Type\":\"Succeed\"}}}"));
    }

    @AfterEach
    void close() {
        background.shutdownNow();
        local.reset(); // the next test class of this JVM finds the emulator as a fresh one
        alice.close();
        bob.close();
        aws.close();
    }

    @Test
    void theStartersOwnApprovalFailsTheRunNamingThePrincipalAndTheRuleAndNothingIsWritten() throws Exception {
        ExecutionResult result = runApprovedBy(alice);

        assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(result.statesEntered()).contains("RequestApproval", "IdentifyApprover").doesNotContain("ReacquireLock", "ApplyLayer");
        assertThat(result.cause()).contains("approval refused: " + arn("alice") + " started execution " + result.executionId()
                        + " and approved it", "environment dev requires an approver other than the starter (responses.distinctApprover)",
                "Nothing was applied");
        assertThat(privateA().subnetId()).as("the subnet was not replaced").isEqualTo(liveSubnet);
        assertThat(new ApplyLock(aws.dynamoDb(), spec().state().lockTable(), Clock.systemUTC()).current(ENV))
                .as("the lock is given back").isEmpty();
    }

    @Test
    void anotherPrincipalsApprovalIsAppliedAndRecordedAsTheirs() throws Exception {
        ExecutionResult result = runApprovedBy(bob);

        assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(result.statesEntered()).contains("IdentifyApprover", "ApplyLayer");
        assertThat(privateA().cidrBlock()).isEqualTo(MOVED_CIDR);
        assertThat(privateA().subnetId()).isNotEqualTo(liveSubnet);
    }

    /**
     * Alice starts the execution, the local runner runs it under the same name; when it waits for approval,
     * {@code approver} answers with SendTaskSuccess (the call CloudTrail records), and the answer reaches the run.
     */
    private ExecutionResult runApprovedBy(AwsClients approver) throws Exception {
        String name = ENV + "-" + UUID.randomUUID();
        String machineArn = "arn:aws:states:us-east-1:" + aws.accountId() + ":stateMachine:" + StateMachines.PROVISION.deployedName();
        alice.stepFunctions().startExecution(r -> r.stateMachineArn(machineArn).name(name)
                .input("{\"environment\":\"" + ENV + "\",\"layers\":[\"vpc\"],\"runDbInit\":false}"));

        SpecLoader specs = TestSpecs.loader().withOverlay(env -> env.equals(ENV) ? overlay() : null);
        ControlPlane controlPlane = LocalControlPlane.create(specs, spec(), aws, true);
        StateMachineDefinition provision = StateMachineDefinition.load(RepoPaths.root().resolve(StateMachines.PROVISION.definitionFile()),
                LocalFunctions.substitutions(controlPlane, spec().aws().region(), aws.accountId()));
        InMemoryTaskTokenBroker broker = new InMemoryTaskTokenBroker();
        LocalRunner runner = LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(0)
                .taskTokenBroker(broker).region("us-east-1").accountId(aws.accountId()).build();
        Future<ExecutionResult> run = background.submit(() -> runner.execute(provision.withName(StateMachines.PROVISION.deployedName()),
                JSON.readTree("{\"environment\":\"" + ENV + "\",\"layers\":[\"vpc\"],\"runDbInit\":false}"), name));

        PendingTask approval = broker.awaitPending(StateMachines.APPROVAL_STATE, Duration.ofSeconds(120));
        assertThat(approval).as("the run waits for approval of the subnet's replacement").isNotNull();
        String answer = "{\"approved\":true,\"by\":\"whoever-the-client-says\",\"execution\":\"" + approval.executionId() + "\"}";
        approver.stepFunctions().sendTaskSuccess(r -> r.taskToken(approval.token()).output(answer));
        broker.sendTaskSuccess(approval.token(), JSON.readTree(answer));
        return run.get(180, TimeUnit.SECONDS);
    }

    /** dev with a destructive change pending (private-a moves to another CIDR: a REPLACE) and production's four-eyes rule. */
    private static com.fasterxml.jackson.databind.JsonNode overlay() {
        try {
            return JSON.readTree("{\"responses\":{\"distinctApprover\":true},\"vpc\":{\"subnets\":{\"private-a\":"
                    + "{\"tier\":\"private\",\"az\":\"us-east-1a\",\"cidr\":\"" + MOVED_CIDR + "\"}}}}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private EnvironmentSpec spec() {
        return TestSpecs.loader().withOverlay(env -> env.equals(ENV) ? overlay() : null).load(ENV);
    }

    private Subnet privateA() {
        return aws.ec2().describeSubnets(r -> r.filters(Filter.builder().name("tag:qualisys:logical-id").values("vpc/subnet/private-a").build()))
                .subnets().getFirst();
    }

    private String arn(String user) {
        return "arn:aws:iam::" + aws.accountId() + ":user/" + user;
    }

    private AwsClients user(String name) {
        aws.iam().createUser(r -> r.userName(name));
        AccessKey key = aws.iam().createAccessKey(r -> r.userName(name)).accessKey();
        return AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .build();
    }
}
