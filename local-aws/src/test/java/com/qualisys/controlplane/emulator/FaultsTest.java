package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.aws.CreateRetryGuard;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/** The front door's faults, seen through the real SDK clients and their retries. */
class FaultsTest {
    private static final AtomicLong NEXT = new AtomicLong(410_000_000_000L);
    private final LocalAws local = LocalAws.shared();
    private AwsClients aws;
    private String account;

    @BeforeEach
    void freshAccount() {
        local.faults().clear();
        account = String.valueOf(NEXT.incrementAndGet());
        aws = local.clients(MotoServer.inAccount(account));
    }

    @AfterEach
    void clear() {
        local.faults().clear();
        aws.close();
    }

    private int vpcs() {
        return aws.ec2().describeVpcs().vpcs().size();
    }

    @Test
    void aThrottledReadIsRetriedByTheSdkAndSucceeds() {
        local.faults().on(Faults.Kind.THROTTLING, "Sts.GetCallerIdentity");
        assertThat(aws.sts().getCallerIdentity().account()).isNotBlank();
        assertThat(local.faults().injected()).containsExactly("THROTTLING Sts.GetCallerIdentity");
    }

    @Test
    void aSlowAnswerArrivesLate() {
        local.faults().slow(Duration.ofMillis(50), "Sts.GetCallerIdentity");
        assertThat(aws.sts().getCallerIdentity().account()).isNotBlank();
        assertThat(local.faults().injected()).containsExactly("SLOW Sts.GetCallerIdentity");
    }

    @Test
    void aLostResponseToACreateWithoutClientTokenIsNotRetriedSoNothingIsMadeTwice() {
        int before = vpcs();
        local.faults().on(Faults.Kind.LOST_RESPONSE, "every create", Faults::isCreate);
        assertThatThrownBy(() -> aws.ec2().createVpc(r -> r.cidrBlock("10.42.0.0/16")))
                .isInstanceOf(CreateRetryGuard.ResponseLostException.class)
                .hasMessageContaining("Ec2.CreateVpc got HTTP 500 and may have been carried out");
        local.faults().clear();
        assertThat(vpcs()).as("carried out once, not retried").isEqualTo(before + 1);
    }

    @Test
    void withoutTheGuardTheSdksRetryDuplicatesTheCreate() {
        // The guard broken on purpose: the same lost response, retried by the SDK as any 500 is, makes two VPCs.
        int before = vpcs();
        local.faults().on(Faults.Kind.LOST_RESPONSE, "Ec2.CreateVpc");
        try (AwsClients unguarded = AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(aws.credentialsProvider()).withoutCreateRetryGuard()
                .interceptor(new ExecutionInterceptor() {
                    @Override
                    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest c, ExecutionAttributes a) {
                        return c.httpRequest().toBuilder().putHeader(AwsApiFrontDoor.OPERATION_HEADER,
                                com.qualisys.controlplane.aws.ApiCallCounter.name(a)).putHeader("x-moto-account-id", account).build();
                    }
                }).build()) {
            unguarded.ec2().createVpc(r -> r.cidrBlock("10.44.0.0/16"));
        }
        local.faults().clear();
        assertThat(vpcs()).isEqualTo(before + 2);
    }

    @Test
    void aLostResponseToACreateWithAClientTokenIsRetriedAndAnsweredWithTheFirstResult() {
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.45.0.0/16")).vpc().vpcId();
        String subnet = aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.45.1.0/24")).subnet().subnetId();
        String allocation = aws.ec2().allocateAddress(r -> r.domain("vpc")).allocationId();
        local.faults().on(Faults.Kind.LOST_RESPONSE, "Ec2.CreateNatGateway");

        String nat = aws.ec2().createNatGateway(r -> r.subnetId(subnet).allocationId(allocation).clientToken("token-1")).natGateway().natGatewayId();

        assertThat(local.faults().injected()).containsExactly("LOST_RESPONSE Ec2.CreateNatGateway");
        assertThat(aws.ec2().describeNatGateways(r -> r.filter(f -> f.name("vpc-id").values(vpc))).natGateways())
                .as("the SDK's retry carried the same token: one gateway, the one the answer names")
                .extracting(g -> g.natGatewayId()).containsExactly(nat);
        assertThatThrownBy(() -> aws.ec2().createNatGateway(r -> r.subnetId(subnet).allocationId(allocation)
                .connectivityType("private").clientToken("token-1")))
                .isInstanceOfSatisfying(software.amazon.awssdk.awscore.exception.AwsServiceException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatch"));
    }

    @Test
    void aServerErrorIsRetriedForReadsAndRefusedForCreates() {
        local.faults().on(Faults.Kind.SERVER_ERROR, "Ec2.DescribeVpcs", "Ec2.CreateVpc");
        int before = vpcs();
        assertThatThrownBy(() -> aws.ec2().createVpc(r -> r.cidrBlock("10.43.0.0/16")))
                .isInstanceOf(CreateRetryGuard.ResponseLostException.class);
        assertThat(vpcs()).as("the 503 was answered before anything was made").isEqualTo(before);
        assertThat(local.faults().injected()).contains("SERVER_ERROR Ec2.CreateVpc", "SERVER_ERROR Ec2.DescribeVpcs");
        assertThat(aws.ec2().describeVpcs().vpcs()).as("the read was retried after its 503").isNotNull();
    }
}
