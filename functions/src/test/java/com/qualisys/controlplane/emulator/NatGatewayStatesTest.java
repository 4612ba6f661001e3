package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.layers.EmulatedAccount;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;

/**
 * EC2 answers CreateNatGateway with a pending gateway and keeps it pending until it is built (EC2 API
 * reference, NatGateway.State); moto makes it available at once. Held per account: another account's
 * gateways are untouched, and released gateways are available.
 */
class NatGatewayStatesTest {
    @Test
    void anAccountsGatewaysArePendingWhileHeldAndAvailableOnceReleased() {
        EmulatedAccount held = EmulatedAccount.fresh();
        EmulatedAccount other = EmulatedAccount.fresh();
        NatGatewayStates states = EmulatedAccount.local().natGateways();
        states.holdPending(held.id());
        try (AwsClients aws = held.clients(); AwsClients elsewhere = other.clients()) {
            NatGateway created = natGateway(aws);
            assertThat(created.state()).as("CreateNatGateway's answer").isEqualTo(NatGatewayState.PENDING);
            assertThat(aws.ec2().describeNatGateways().natGateways()).singleElement()
                    .satisfies(n -> assertThat(n.state()).isEqualTo(NatGatewayState.PENDING))
                    .satisfies(n -> assertThat(n.natGatewayAddresses()).singleElement()
                            .satisfies(a -> assertThat(a.allocationId()).startsWith("eipalloc-")));
            assertThat(natGateway(elsewhere).state()).as("another account").isEqualTo(NatGatewayState.AVAILABLE);

            states.release(held.id());
            assertThat(aws.ec2().describeNatGateways(r -> r.natGatewayIds(created.natGatewayId())).natGateways())
                    .singleElement().extracting(NatGateway::state).isEqualTo(NatGatewayState.AVAILABLE);
        } finally {
            states.release(held.id());
        }
    }

    private static NatGateway natGateway(AwsClients aws) {
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String subnet = aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9.1.0/24")).subnet().subnetId();
        String allocation = aws.ec2().allocateAddress(r -> r.domain("vpc")).allocationId();
        return aws.ec2().createNatGateway(r -> r.subnetId(subnet).allocationId(allocation)).natGateway();
    }
}
