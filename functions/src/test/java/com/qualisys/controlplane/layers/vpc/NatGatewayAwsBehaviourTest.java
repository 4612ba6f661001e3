package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.QueryApiStub;
import com.qualisys.controlplane.testing.QueryApiStub.Response;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NAT-gateway behaviour of AWS that moto does not have (it ignores CreateNatGateway's client token
 * and creates gateways already available): tested against a loopback stub answering with the
 * responses the EC2 API reference documents.
 */
class NatGatewayAwsBehaviourTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private QueryApiStub stub;
    private AwsClients aws;
    private ResourceIndex index;
    private final Deque<String[]> answers = new ArrayDeque<>(); // {nat id, state} per call

    @BeforeEach
    void start() {
        stub = QueryApiStub.start().on("DescribeAddresses", p -> Response.ok( // the gateway's address, free as AWS allocated it
                "<DescribeAddressesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>stub-request</requestId>"
                + "<addressesSet><item><publicIp>203.0.113.10</publicIp><allocationId>" + p.get("AllocationId.1")
                + "</allocationId><domain>vpc</domain></item></addressesSet></DescribeAddressesResponse>"))
                .on("CreateNatGateway", p -> {
            String[] answer = answers.pop(); // each test queues what AWS answers
            return Response.ok("<CreateNatGatewayResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                    + "<requestId>stub-request</requestId><clientToken>" + p.get("ClientToken") + "</clientToken><natGateway>"
                    + "<subnetId>" + p.get("SubnetId") + "</subnetId><natGatewayAddressSet><item><allocationId>" + p.get("AllocationId")
                    + "</allocationId></item></natGatewayAddressSet><createTime>2026-01-01T00:00:00.000Z</createTime>"
                    + "<vpcId>vpc-0stub</vpcId><natGatewayId>" + answer[0] + "</natGatewayId><state>" + answer[1] + "</state>"
                    + "<connectivityType>public</connectivityType></natGateway></CreateNatGatewayResponse>");
        });
        aws = stub.clients();
        index = freshIndex();
    }

    private static ResourceIndex freshIndex() {
        ResourceIndex index = new ResourceIndex(layer -> {});
        index.put("vpc/subnet/public-a", "subnet-0pa");
        index.put("vpc/elastic-ip/nat-a", "eipalloc-0a");
        index.put("vpc/internet-gateway/main", "igw-0stub");
        return index;
    }

    @AfterEach
    void stop() {
        aws.close();
        stub.close();
    }

    @Test
    void aRepeatedCreateOfTheSameGatewaySendsTheSameTokenSoAwsReturnsTheFirstGateway() {
        answers.add(new String[] {"nat-0first", "pending"});
        answers.add(new String[] {"nat-0first", "pending"});
        new NatGateways().create(natA(), new LayerContext(SPEC, aws, index));
        // A second run (say, after a crash that lost the first response) starts from a fresh index.
        new NatGateways().create(natA(), new LayerContext(SPEC, aws, freshIndex()));

        List<QueryApiStub.Request> creates = stub.requests("CreateNatGateway");
        assertThat(creates).hasSize(2);
        assertThat(creates.get(0).params().get("ClientToken"))
                .isEqualTo(creates.get(1).params().get("ClientToken"))
                .isEqualTo(NatGateways.clientToken("dev", "vpc/nat-gateway/a", "subnet-0pa", "eipalloc-0a"));
        assertThat(creates.get(0).params()).containsEntry("SubnetId", "subnet-0pa").containsEntry("AllocationId", "eipalloc-0a")
                .containsEntry("TagSpecification.1.ResourceType", "natgateway")
                .containsValue("vpc/nat-gateway/a");
        assertThat(index.physicalId("vpc/nat-gateway/a")).contains("nat-0first");
    }

    @Test
    void whenTheTokenNamesAGatewayDeletedSinceAFreshTokenCreatesItsSuccessor() {
        answers.add(new String[] {"nat-0deleted", "deleted"});
        answers.add(new String[] {"nat-0successor", "pending"});

        new NatGateways().create(natA(), new LayerContext(SPEC, aws, index));

        List<QueryApiStub.Request> creates = stub.requests("CreateNatGateway");
        assertThat(creates).hasSize(2);
        assertThat(creates.get(1).params().get("ClientToken")).isNotEqualTo(creates.get(0).params().get("ClientToken"));
        assertThat(index.physicalId("vpc/nat-gateway/a")).contains("nat-0successor");
    }

    @Test
    void theLayerIsNotReadyWhileANatGatewayIsPendingAndSaysWhichOne() {
        stub.on("DescribeNatGateways", p -> Response.ok("<DescribeNatGatewaysResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>stub-request</requestId><natGatewaySet>"
                + natItem("nat-0a", "pending", "vpc/nat-gateway/a") + natItem("nat-0b", "available", "vpc/nat-gateway/b")
                + natItem("nat-0old", "deleted", "vpc/nat-gateway/b")
                + "</natGatewaySet></DescribeNatGatewaysResponse>"));

        Readiness readiness = new VpcLayer().readiness(new LayerContext(SPEC, aws, index));

        assertThat(readiness.isReady()).isFalse();
        assertThat(readiness.waitingFor()).containsExactly("vpc/nat-gateway/a (nat-0a): pending");
        assertThat(stub.requests("DescribeNatGateways").getFirst().params())
                .containsEntry("Filter.1.Name", "tag:qualisys:environment").containsEntry("Filter.1.Value.1", "dev");
    }

    @Test
    void onlyPendingAndAvailableGatewaysAreLiveDeletedAndFailedOnesAreNot() {
        stub.on("DescribeNatGateways", p -> Response.ok("<DescribeNatGatewaysResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>stub-request</requestId><natGatewaySet>"
                + natItem("nat-0a", "available", "vpc/nat-gateway/a") + natItem("nat-0gone", "deleting", "vpc/nat-gateway/b")
                + natItem("nat-0failed", "failed", "vpc/nat-gateway/b")
                + "</natGatewaySet></DescribeNatGatewaysResponse>"));

        assertThat(new NatGateways().list(new LayerContext(SPEC, aws, index)))
                .extracting(n -> n.natGatewayId()).containsExactly("nat-0a");
    }

    private static String natItem(String id, String state, String logicalId) {
        return "<item><natGatewayId>" + id + "</natGatewayId><state>" + state + "</state><subnetId>subnet-0pa</subnetId>"
                + "<vpcId>vpc-0stub</vpcId><connectivityType>public</connectivityType><tagSet>"
                + "<item><key>qualisys:environment</key><value>dev</value></item>"
                + "<item><key>qualisys:logical-id</key><value>" + logicalId + "</value></item></tagSet></item>";
    }

    private static DesiredResource natA() {
        return VpcDesiredState.of(SPEC).stream().filter(d -> d.logicalId().equals("vpc/nat-gateway/a")).findFirst().orElseThrow();
    }
}
