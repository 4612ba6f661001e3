package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MotoServerTest {

    @Test
    void theRealSdkClientTalksToTheEmulatorAndCallsAreCounted() {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16"));
            assertThat(aws.ec2().describeVpcs().vpcs()).anyMatch(v -> v.cidrBlock().equals("10.9.0.0/16"));
            assertThat(aws.calls().mutatingByOperation()).containsEntry("Ec2.CreateVpc", 1);
            assertThat(aws.calls().mutating()).isEqualTo(1);
        }
    }

    /** After many accounts a reset restarts moto: same endpoint, nothing left in any account, moto's configuration kept. */
    @Test
    void aResetAfterManyAccountsLeavesTheSameEmptyEmulatorAndItsConfiguration() throws Exception {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        moto.configure("{\"batch\":{\"use_docker\":false}}");
        int restartsBefore = moto.restarts();
        int accounts = MotoServer.RESTART_ABOVE_ACCOUNTS + 1;
        try (AwsClients direct = moto.clients()) {
            direct.ec2().describeVpcs(); // leaves a kept-alive connection to the moto about to be restarted
        }
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto()) {
            for (int i = 0; i < accounts; i++) {
                try (AwsClients aws = door.clients(MotoServer.inAccount(String.valueOf(310_000_000_000L + i)))) {
                    aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16"));
                }
            }
            moto.reset();
            assertThat(moto.restarts()).as("restarts of moto").isEqualTo(restartsBefore + 1);
            for (int i = 0; i < accounts; i++) {
                try (AwsClients aws = door.clients(MotoServer.inAccount(String.valueOf(310_000_000_000L + i)))) {
                    assertThat(aws.ec2().describeVpcs().vpcs()).as("VPCs of account %d after the reset", i)
                            .noneMatch(v -> v.cidrBlock().equals("10.9.0.0/16"));
                }
            }
        }
        // A client that talked to moto before the restart creates without a retry (a create is not retried blindly).
        try (AwsClients aws = moto.clients()) {
            assertThat(aws.ec2().createVpc(r -> r.cidrBlock("10.8.0.0/16")).vpc().vpcId()).startsWith("vpc-");
        }
        HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(moto.endpoint() + "/moto-api/config")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.body().replace(" ", "")).contains("\"batch\":{\"use_docker\":false}");
        moto.configure("{\"batch\":{\"use_docker\":true}}");
    }

    /** A reset after few accounts is moto's own reset. */
    @Test
    void aResetAfterFewAccountsDoesNotRestart() {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        int restartsBefore = moto.restarts();
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto(); AwsClients aws = door.clients()) {
            aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16"));
            moto.reset();
            assertThat(moto.restarts()).isEqualTo(restartsBefore);
            assertThat(aws.ec2().describeVpcs().vpcs()).noneMatch(v -> v.cidrBlock().equals("10.9.0.0/16"));
        }
    }
}
