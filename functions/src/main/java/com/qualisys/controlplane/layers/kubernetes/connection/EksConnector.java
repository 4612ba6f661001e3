package com.qualisys.controlplane.layers.kubernetes.connection;

import com.qualisys.controlplane.engine.LayerContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * Connects to an environment's EKS cluster without a kubeconfig: endpoint and CA from EKS
 * DescribeCluster ({@code eks.clusterName} of the spec), authentication by {@link EksTokenProvider}
 * with the control plane's own AWS credentials (whose IAM role the aws-auth ConfigMap, or the
 * cluster creator's admin access, lets in). One client per environment and cluster, kept across
 * warm Lambda invocations.
 */
public final class EksConnector implements KubernetesConnector {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int REQUEST_TIMEOUT_MS = 30_000;

    private final Clock clock;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

    public EksConnector(Clock clock) {
        this.clock = clock;
    }

    public EksConnector() {
        this(Clock.systemUTC());
    }

    @Override
    public KubernetesClient client(LayerContext ctx) {
        String cluster = ctx.spec().eks().clusterName();
        return clients.computeIfAbsent(ctx.environment() + "/" + cluster, key -> {
            Cluster described;
            try {
                described = ctx.aws().eks().describeCluster(r -> r.name(cluster)).cluster();
            } catch (ResourceNotFoundException e) {
                throw new IllegalStateException("EKS cluster " + cluster + " does not exist in " + ctx.aws().region().id()
                        + ": apply layer 'eks' first", e);
            }
            Config config = config(described, new EksTokenProvider(cluster, ctx.aws().region().id(), ctx.aws().credentialsProvider(), clock));
            return new KubernetesClientBuilder().withConfig(config).build();
        });
    }

    /** The client configuration for a described cluster: nothing read from ~/.kube or the environment. */
    public static Config config(Cluster cluster, EksTokenProvider tokens) {
        if (cluster.endpoint() == null || cluster.certificateAuthority() == null || cluster.certificateAuthority().data() == null) {
            throw new IllegalStateException("EKS cluster " + cluster.name() + " has no API endpoint yet (status "
                    + cluster.statusAsString() + "): apply layer 'eks' and wait until it is ready");
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.endpoint())
                // DescribeCluster gives the CA as base64 PEM, which is what caCertData takes.
                .withCaCertData(cluster.certificateAuthority().data())
                .withConnectionTimeout(CONNECT_TIMEOUT_MS)
                .withRequestTimeout(REQUEST_TIMEOUT_MS)
                .build();
        config.setOauthTokenProvider(tokens);
        return config;
    }
}
