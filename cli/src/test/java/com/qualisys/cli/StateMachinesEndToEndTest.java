package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.HistoryEvent;
import com.qualisys.asl.HistoryEventType;
import com.qualisys.asl.InMemoryTaskTokenBroker;
import com.qualisys.cli.local.LocalExecution;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.ReportStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import com.qualisys.controlplane.aws.ApiCallCounter;

/**
 * The provision and drift-check state machines, run by the local runner exactly as deployed,
 * with every Task dispatched to the real handlers against the local AWS.
 */
class StateMachinesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MACHINES = RepoPaths.root().resolve("statemachines");
    /** Every layer the emulator can carry: kubernetes needs a real API server (its own tests have one). */
    private static final List<String> LAYERS = Layers.all().stream().map(l -> l.name()).filter(l -> !l.equals("kubernetes")).toList();

    private final SpecLoader specs = SpecLoader.fromDirectory(RepoPaths.root().resolve("environments"));
    private final EnvironmentSpec dev = specs.load("dev");

    @BeforeEach
    void emptyAccount() {
        LocalAws.shared().reset();
    }

    private ObjectNode input() {
        ObjectNode in = JSON.createObjectNode().put("environment", "dev").put("runDbInit", false);
        in.putArray("layers").addAll(LAYERS.stream().map(JSON.getNodeFactory()::textNode).toList());
        return in;
    }

    private ExecutionResult run(AwsClients aws, String machine, String name) throws Exception {
        return new LocalExecution(specs, dev, aws, true).run(MACHINES.resolve(machine + ".asl.json"), input(), name, 0,
                new InMemoryTaskTokenBroker(), null);
    }

    @Test
    void provisionThenDriftCheckRunEndToEndAndFindNoDrift() throws Exception {
        try (AwsClients aws = LocalAws.shared().clients()) {
            ExecutionResult provision = run(aws, "provision", "provision-1");
            assertThat(provision.status()).as("%s %s", provision.error(), provision.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(provision.output().path("changes").asInt()).isGreaterThan(40);
            assertThat(new ApplyLock(aws.dynamoDb(), dev.state().lockTable(), Clock.systemUTC()).current("dev"))
                    .as("the lock is released when provision ends").isEmpty();

            ExecutionResult drift = run(aws, "drift-check", "drift-1");
            assertThat(drift.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(drift.output().path("drift").asBoolean()).isFalse();
            assertThat(drift.output().path("failedLayers").asInt()).isZero();
            String stored = new ReportStore(aws.s3(), dev.state().reportBucket()).latestJson("dev").orElseThrow();
            JsonNode report = JSON.readTree(stored);
            assertThat(report.path("kind").asText()).isEqualTo("drift");
            assertThat(report.path("layers")).extracting(l -> l.path("layer").asText()).containsExactlyInAnyOrderElementsOf(LAYERS);

            ExecutionResult again = run(aws, "provision", "provision-2");
            assertThat(again.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(again.output().path("changes").asInt()).as("a second provision changes nothing").isZero();
        }
    }

    @Test
    void driftFoundIsPublishedAndReported() throws Exception {
        try (AwsClients aws = LocalAws.shared().clients()) {
            assertThat(run(aws, "provision", "provision-1").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            String rdsSg = aws.ec2().describeSecurityGroups(r -> r.filters(f -> f.name("group-name").values("qualisys-rds-sg")))
                    .securityGroups().get(0).groupId();
            aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rdsSg).ipProtocol("tcp").fromPort(5432).toPort(5432).cidrIp("0.0.0.0/0"));

            ExecutionResult drift = run(aws, "drift-check", "drift-1");
            assertThat(drift.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(drift.output().path("drift").asBoolean()).isTrue();
            assertThat(drift.statesEntered()).contains("PublishDrift", "EmitDriftEvent");
            String markdown = new ReportStore(aws.s3(), dev.state().reportBucket()).latestMarkdown("dev").orElseThrow();
            assertThat(markdown).contains("vpc/security-group/rds", "0.0.0.0/0");
        }
    }

    @Test
    void anInjectedThrottlingErrorIsRetriedAndTheRunSucceeds() throws Exception {
        AtomicInteger throttled = new AtomicInteger();
        ExecutionInterceptor throttleFirstDescribeVpcs = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (ApiCallCounter.name(attributes).equals("Ec2.DescribeVpcs") && throttled.getAndIncrement() == 0) {
                    throw AwsServiceException.builder().statusCode(400).message("Rate exceeded")
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").errorMessage("Rate exceeded").build()).build();
                }
            }
        };
        try (AwsClients aws = LocalAws.shared().clients(throttleFirstDescribeVpcs)) {
            ExecutionResult provision = run(aws, "provision", "provision-throttled");
            assertThat(provision.status()).as("%s %s", provision.error(), provision.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(provision.events(HistoryEventType.RETRY_SCHEDULED)).extracting(e -> e.detail("error"))
                    .containsExactly("com.qualisys.controlplane.handlers.ThrottledException");
        }
    }

    @Test
    void aFailingLayerReleasesTheLockNotifiesAndFailsTheExecution() throws Exception {
        ExecutionInterceptor denyCreateVpc = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (ApiCallCounter.name(attributes).equals("Ec2.CreateVpc")) {
                    throw AwsServiceException.builder().statusCode(403).message("not authorized")
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("UnauthorizedOperation").errorMessage("not authorized").build()).build();
                }
            }
        };
        try (AwsClients aws = LocalAws.shared().clients(denyCreateVpc)) {
            ExecutionResult provision = run(aws, "provision", "provision-denied");
            assertThat(provision.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(provision.cause()).contains("not authorized");
            assertThat(provision.statesEntered()).contains("ReleaseLockAfterFailure", "NotifyFailure", "ProvisionFailed");
            assertThat(new ApplyLock(aws.dynamoDb(), dev.state().lockTable(), Clock.systemUTC()).current("dev")).isEmpty();
            HistoryEvent notified = provision.events(HistoryEventType.TASK_SUCCEEDED).stream()
                    .filter(e -> e.stateName().equals("NotifyFailure")).findFirst().orElseThrow();
            assertThat(notified.details().path("output").path("Payload").path("published").asBoolean()).isTrue();
        }
    }

    @Test
    void aSecondRunWhileTheLockIsHeldFailsFastNamingTheHolder() throws Exception {
        try (AwsClients aws = LocalAws.shared().clients()) {
            new LocalExecution(specs, dev, aws, true); // creates the lock table as the CDK app would
            new ApplyLock(aws.dynamoDb(), dev.state().lockTable(), Clock.systemUTC()).acquire("dev", "alice-manual-apply", Duration.ofMinutes(10));
            ExecutionResult provision = run(aws, "provision", "provision-blocked");
            assertThat(provision.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(provision.error()).isEqualTo("com.qualisys.controlplane.state.LockHeldException");
            assertThat(provision.cause()).contains("alice-manual-apply");
            assertThat(aws.calls().mutatingByOperation().keySet()).noneMatch(op -> op.startsWith("Ec2."));
        }
    }
}
