package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
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
}
