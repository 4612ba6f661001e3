package com.qualisys.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.asl.LocalRunner;
import com.qualisys.asl.StateMachineDefinition;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * statemachines/provision.asl.json in the local runner with the real handlers: approveDestructive: true is
 * refused, before the lock is taken or anything changes, in a run that did not start on the approved
 * provision machine (the one only aws.approverRole may start), and accepted on it.
 */
class ApprovedProvisionRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT = "{\"environment\":\"dev\",\"layers\":[\"vpc\"],\"runDbInit\":false,\"approveDestructive\":true}";
    private static MotoServer moto;

    @BeforeAll
    static void emulator() {
        moto = MotoServer.shared();
    }

    @Test
    void approveDestructiveIsRefusedOnProvisionBeforeTheLockIsTaken() throws Exception {
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            ExecutionResult result = run(aws, StateMachines.PROVISION.deployedName(), "wants-it-all");

            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.statesEntered()).contains("AcquireLock").doesNotContain("ProvisionLayers");
            assertThat(result.cause()).contains("input field 'approveDestructive' is true for execution "
                    + result.executionId() + ", which did not start on qualisys-provision-approved", "nothing was locked");
            assertThat(new ApplyLock(aws.dynamoDb(), spec().state().lockTable(), Clock.systemUTC()).current("dev")).isEmpty();
            assertThat(aws.ec2().describeVpcs(r -> r.filters(Filter.builder().name("tag:qualisys:environment").values("dev").build())).vpcs())
                    .as("no VPC was created").isEmpty();
        }
    }

    @Test
    void theApprovedProvisionRunsWithIt() throws Exception {
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            ExecutionResult result = run(aws, StateMachines.deployedName(StateMachines.APPROVED_PROVISION), "approved");

            assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.statesEntered()).contains("AcquireLock", "ApplyLayer");
            assertThat(aws.ec2().describeVpcs(r -> r.filters(Filter.builder().name("tag:qualisys:environment").values("dev").build())).vpcs())
                    .hasSize(1);
        }
    }

    private static ExecutionResult run(AwsClients aws, String machineName, String executionName) throws Exception {
        ControlPlane controlPlane = LocalControlPlane.create(TestSpecs.loader(), spec(), aws, true);
        StateMachineDefinition provision = StateMachineDefinition.load(RepoPaths.root().resolve(StateMachines.PROVISION.definitionFile()),
                LocalFunctions.substitutions(controlPlane, spec().aws().region(), aws.sts().getCallerIdentity().account()));
        JsonNode input = JSON.readTree(INPUT);
        return LocalRunner.builder().dispatcher(new LocalDispatcher(controlPlane, aws)).waitScale(0).build()
                .execute(provision.withName(machineName), input, executionName);
    }

    private static EnvironmentSpec spec() {
        return TestSpecs.load("dev");
    }
}
