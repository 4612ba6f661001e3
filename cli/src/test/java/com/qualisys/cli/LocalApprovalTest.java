package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.asl.FileTaskTokenBroker;
import com.qualisys.cli.testing.AwsApiStub;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * {@code approve --local} and {@code reject --local} answer a local run that waits for approval,
 * end to end: moto holds dev's VPC, the spec moves subnet private-a to another CIDR (a REPLACE,
 * destructive), and {@code qualisys run provision --local} (statemachines/provision.asl.json with
 * the real handlers: lock, plan, approval, apply, readiness, report) runs in one thread while the
 * test answers from another, as a second terminal would. Every AWS call of the run goes through a
 * recording loopback proxy in front of moto.
 */
class LocalApprovalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIVE_CIDR = "10.0.10.0/24";
    private static final String MOVED_CIDR = "10.0.12.0/24";
    private static MotoServer moto;
    private static Path movedSpecs;

    @TempDir
    static Path shared;
    @TempDir
    Path tokens;

    private final ExecutorService background = Executors.newCachedThreadPool();
    private AwsApiStub recorder;

    @BeforeAll
    static void aSpecThatMovesASubnet() throws IOException {
        moto = MotoServer.shared();
        movedSpecs = RepoPaths.copyOfEnvironments(shared.resolve("environments"));
        Files.writeString(movedSpecs.resolve("dev.yaml"), "\nvpc:\n  subnets:\n    private-a: { tier: private, az: us-east-1a, cidr: "
                + MOVED_CIDR + " }\n", StandardOpenOption.APPEND);
    }

    @BeforeEach
    void devVpcAsTheRepoSpecSaysIt() {
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            new Reconciler(TestSpecs.load("dev"), aws, Layers.all()).apply("vpc", false);
        }
        assertThat(privateA().cidrBlock()).isEqualTo(LIVE_CIDR);
        recorder = AwsApiStub.start(moto.endpoint());
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
        recorder.close();
    }

    @Test
    void approveLocalResumesTheWaitingRunAndTheSubnetIsReplaced() throws Exception {
        String before = privateA().subnetId();
        Future<Cli.Result> run = runUntilApprovalIsRequested("replace-private-a");
        assertThat(ec2Writes()).as("nothing is changed while the approval waits").isEmpty();

        Cli.Result approve = Cli.run("approve", "--local", "--tokens-dir", tokens.toString());

        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        assertThat(approve.out()).isEqualTo("approved RequestApproval of local execution "
                + "arn:aws:states:us-east-1:000000000000:execution:provision:replace-private-a\n");
        Cli.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(JSON.readTree(result.out()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.err()).contains("RequestApproval is waiting for approval", "ApplyLayer vpc: ");
        assertThat(privateA().cidrBlock()).isEqualTo(MOVED_CIDR);
        assertThat(privateA().subnetId()).isNotEqualTo(before);
        assertThat(ec2Writes()).contains("ec2.DeleteSubnet", "ec2.CreateSubnet");
        assertThat(new FileTaskTokenBroker(tokens).pending()).isEmpty();
    }

    @Test
    void rejectLocalEndsTheRunWithQualisysRejectedAndChangesNothing() throws Exception {
        String before = privateA().subnetId();
        Future<Cli.Result> run = runUntilApprovalIsRequested("keep-private-a");

        Cli.Result reject = Cli.run("reject", "keep-private-a", "--local", "--tokens-dir", tokens.toString(),
                "--reason", "private-a still has nodes in it");

        assertThat(reject.exitCode()).as(reject.toString()).isZero();
        Cli.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        JsonNode end = JSON.readTree(result.out());
        assertThat(end.get("status").asText()).isEqualTo("FAILED");
        assertThat(end.get("error").asText()).isEqualTo(StateMachines.REJECTED_ERROR);
        assertThat(end.get("cause").asText()).isEqualTo("rejected by local:" + System.getProperty("user.name")
                + ": private-a still has nodes in it");
        assertThat(ec2Writes()).as("mutating EC2 calls of the rejected run").isEmpty();
        assertThat(privateA().subnetId()).isEqualTo(before);
        assertThat(privateA().cidrBlock()).isEqualTo(LIVE_CIDR);
        try (AwsClients aws = moto.clients()) {
            assertThat(new ApplyLock(aws.dynamoDb(), TestSpecs.load("dev").state().lockTable(), Clock.systemUTC()).current("dev"))
                    .as("the rejected run released the lock").isEmpty();
        }
    }

    @Test
    void anOutOfBandChangeWhileTheApprovalWaitsIsNotCoveredByItAndApprovalIsAskedAgain() throws Exception {
        Future<Cli.Result> run = runUntilApprovalIsRequested("stale-approval");
        String firstToken = new FileTaskTokenBroker(tokens).pending().getFirst().token();
        // Out of band, someone recreates private-a: the REPLACE that was shown and approved concerned another subnet.
        String recreated = recreatePrivateA();

        Cli.Result approve = Cli.run("approve", "--local", "--tokens-dir", tokens.toString());
        assertThat(approve.exitCode()).as(approve.toString()).isZero();
        FileTaskTokenBroker broker = new FileTaskTokenBroker(tokens);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (broker.pending().stream().noneMatch(p -> !p.token().equals(firstToken))) {
            if (run.isDone()) throw new AssertionError("the run ended instead of asking again:\n" + run.get());
            if (System.nanoTime() > deadline) throw new AssertionError("no new approval request within 60 s");
            Thread.sleep(50);
        }
        assertThat(ec2Writes()).as("no destructive write: the approval covered the subnet that was shown").isEmpty();
        assertThat(privateA().subnetId()).isEqualTo(recreated);

        Cli.Result reject = Cli.run("reject", "stale-approval", "--local", "--tokens-dir", tokens.toString());
        assertThat(reject.exitCode()).as(reject.toString()).isZero();
        Cli.Result result = run.get(120, TimeUnit.SECONDS);
        assertThat(JSON.readTree(result.out()).get("error").asText()).isEqualTo(StateMachines.REJECTED_ERROR);
        assertThat(result.err()).contains("ApplyLayer failed: com.qualisys.controlplane.engine.ApprovalStaleException layer vpc: the destructive"
                + " changes are no longer the ones approved");
        assertThat(result.err().split("is waiting for approval of execution stale-approval", -1)).as("approval requests").hasSize(3);
        assertThat(result.err()).contains("approve: ./qualisys approve stale-approval --local --tokens-dir " + tokens.toAbsolutePath(),
                "reject:  ./qualisys reject stale-approval --local --tokens-dir " + tokens.toAbsolutePath() + " --reason TEXT");
        assertThat(ec2Writes()).isEmpty();
        assertThat(privateA().subnetId()).isEqualTo(recreated);
    }

    @Test
    void approvingARunWhoseProcessIsGoneIsRefused() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.createDirectories(tokens);
        Files.writeString(tokens.resolve("tok-dead.pending.json"), "{\"token\":\"tok-dead\",\"executionId\":"
                + "\"arn:aws:states:us-east-1:000000000000:execution:provision:interrupted\",\"stateName\":\"RequestApproval\","
                + "\"registeredAt\":\"2026-01-01T00:00:00Z\",\"pid\":" + gone.pid() + "}");

        Cli.Result approve = Cli.run("approve", "interrupted", "--local", "--tokens-dir", tokens.toString());

        assertThat(approve.exitCode()).isEqualTo(1);
        assertThat(approve.err()).isEqualTo("error: execution arn:aws:states:us-east-1:000000000000:execution:provision:interrupted is no longer"
                + " running (its process " + gone.pid() + " ended): nothing waits for this answer; start the run again\n");
        assertThat(tokens.resolve("tok-dead.json")).as("no answer written").doesNotExist();
    }

    /** Deletes subnet private-a and creates it again as it was (tags, CIDR, zone): a new subnet id. */
    private static String recreatePrivateA() {
        Subnet old = privateA();
        try (AwsClients aws = moto.clients()) {
            aws.ec2().describeRouteTables(r -> r.filters(Filter.builder().name("association.subnet-id").values(old.subnetId()).build()))
                    .routeTables().forEach(t -> t.associations().stream().filter(a -> old.subnetId().equals(a.subnetId()))
                            .forEach(a -> aws.ec2().disassociateRouteTable(r -> r.associationId(a.routeTableAssociationId()))));
            aws.ec2().describeNetworkAcls(r -> r.filters(Filter.builder().name("association.subnet-id").values(old.subnetId()).build()));
            aws.ec2().deleteSubnet(r -> r.subnetId(old.subnetId()));
            return aws.ec2().createSubnet(r -> r.vpcId(old.vpcId()).cidrBlock(old.cidrBlock()).availabilityZone(old.availabilityZone())
                    .tagSpecifications(t -> t.resourceType("subnet").tags(old.tags()))).subnet().subnetId();
        }
    }

    @Test
    void answeringWhenNoLocalRunWaitsIsAClearError() {
        Cli.Result approve = Cli.run("approve", "--local", "--tokens-dir", tokens.toString());
        assertThat(approve.exitCode()).isEqualTo(1);
        assertThat(approve.err()).isEqualTo("error: no local execution waiting for approval (nothing pending in " + tokens + ")\n");

        Cli.Result reject = Cli.run("reject", "some-run", "--local", "--tokens-dir", tokens.toString());
        assertThat(reject.err()).isEqualTo("error: local execution some-run is not waiting for approval (nothing pending in " + tokens + ")\n");
    }

    private Future<Cli.Result> runUntilApprovalIsRequested(String name) throws Exception {
        Future<Cli.Result> run = background.submit(() -> Cli.run("run", "provision", "--env", "dev", "--local", "--json",
                "--input", "{\"layers\":[\"vpc\"],\"runDbInit\":false}",
                "--specs", movedSpecs.toString(), "--emulator", "--endpoint-url", recorder.endpoint(), "--tokens-dir", tokens.toString(),
                "--name", name));
        FileTaskTokenBroker broker = new FileTaskTokenBroker(tokens);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (broker.pending().isEmpty()) {
            if (run.isDone()) throw new AssertionError("the run ended without waiting for approval:\n" + run.get());
            if (System.nanoTime() > deadline) throw new AssertionError("the run did not ask for approval within 60 s");
            Thread.sleep(50);
        }
        return run;
    }

    private List<String> ec2Writes() {
        return recorder.calls().stream().filter(c -> c.service().equals("ec2") && c.mutating()).map(AwsApiStub.Call::name).toList();
    }

    private static Subnet privateA() {
        try (AwsClients aws = moto.clients()) {
            return aws.ec2().describeSubnets(r -> r.filters(Filter.builder().name("tag:qualisys:logical-id").values("vpc/subnet/private-a").build(),
                    Filter.builder().name("tag:qualisys:environment").values("dev").build())).subnets().stream()
                    .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals("qualisys:logical-id") && t.value().equals("vpc/subnet/private-a")))
                    .findFirst().orElseThrow();
        }
    }
}
