package com.qualisys.controlplane.layers.kubernetes.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.model.Certificate;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;

/**
 * The connection without a kubeconfig: endpoint and CA from EKS DescribeCluster (the real SDK
 * against the emulator), the token from {@link EksTokenProvider}. The emulator's endpoint is
 * not a cluster, so nothing is sent to it: the client's configuration is what is checked.
 */
class EksConnectorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-15T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void theClientTakesEndpointAndCaFromDescribeClusterAndAuthenticatesWithAnEksToken() {
        String clusterName = "qualisys-eks-" + UUID.randomUUID().toString().substring(0, 8);
        EnvironmentSpec spec = withClusterName(TestSpecs.load("dev"), clusterName);
        try (AwsClients aws = MotoServer.shared().clients()) {
            aws.eks().createCluster(r -> r.name(clusterName).version("1.29")
                    .roleArn("arn:aws:iam::123456789012:role/QualisysEKSService")
                    .resourcesVpcConfig(v -> v.subnetIds("subnet-0a", "subnet-0b")));
            Cluster described = aws.eks().describeCluster(r -> r.name(clusterName)).cluster();

            KubernetesClient client = new EksConnector(CLOCK).client(new LayerContext(spec, aws, new ResourceIndex(null)));

            Config config = client.getConfiguration();
            assertThat(config.getMasterUrl()).startsWith(described.endpoint());
            assertThat(config.getCaCertData()).isEqualTo(described.certificateAuthority().data());
            assertThat(config.getOauthToken()).as("no static token").isNull();
            assertThat(config.getOauthTokenProvider()).isInstanceOf(EksTokenProvider.class);
            String token = config.getOauthTokenProvider().getToken();
            assertThat(token).isEqualTo(EksToken.generate(clusterName, "us-east-1",
                    aws.credentialsProvider().resolveCredentials(), CLOCK));
            // One describe per environment and cluster: the client is kept for the next invocation.
            EksConnector connector = new EksConnector(CLOCK);
            aws.calls().reset();
            KubernetesClient first = connector.client(new LayerContext(spec, aws, new ResourceIndex(null)));
            KubernetesClient again = connector.client(new LayerContext(spec, aws, new ResourceIndex(null)));
            assertThat(again).isSameAs(first);
            assertThat(aws.calls().total()).isEqualTo(1);
        }
    }

    @Test
    void aClusterThatDoesNotExistIsAClearError() {
        EnvironmentSpec spec = withClusterName(TestSpecs.load("dev"), "missing-" + UUID.randomUUID().toString().substring(0, 8));
        try (AwsClients aws = MotoServer.shared().clients()) {
            assertThatThrownBy(() -> new EksConnector(CLOCK).client(new LayerContext(spec, aws, new ResourceIndex(null))))
                    .hasMessageContaining("EKS cluster " + spec.eks().clusterName() + " does not exist in us-east-1")
                    .hasMessageContaining("apply layer 'eks' first");
        }
    }

    @Test
    void aClusterWithoutEndpointYetIsAClearError() {
        Cluster creating = Cluster.builder().name("qualisys-eks").status(ClusterStatus.CREATING)
                .certificateAuthority(Certificate.builder().build()).build();
        assertThatThrownBy(() -> EksConnector.config(creating, null))
                .hasMessageContaining("qualisys-eks").hasMessageContaining("CREATING").hasMessageContaining("layer 'eks'");
    }

    private static EnvironmentSpec withClusterName(EnvironmentSpec s, String clusterName) {
        var e = s.eks();
        var eks = new com.qualisys.controlplane.spec.EksSpec(clusterName, e.version(), e.clusterRole(), e.endpointPrivateAccess(),
                e.endpointPublicAccess(), e.secretsKmsAlias(), e.logTypes(), e.logGroup(), e.addons(), e.nodeRole(),
                e.nodeRolePolicies(), e.imdsv2Required(), e.nodeSubnetTier(), e.nodeGroups(), e.irsaRoles());
        return new EnvironmentSpec(s.environment(), s.aws(), s.state(), s.account(), s.iam(), s.monitoring(), s.vpc(), eks,
                s.rds(), s.kubernetes(), s.responses(), s.drift());
    }
}
