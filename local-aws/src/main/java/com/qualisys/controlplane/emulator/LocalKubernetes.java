package com.qualisys.controlplane.emulator;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An emulated EKS cluster's Kubernetes side, for {@code qualisys demo --kubernetes}: the local
 * {@link KubeApiServer} (built first when {@code .cache/bin} lacks it), which accepts the control plane's
 * EKS tokens ({@link EksTokenAuthenticator}) and which the cluster's DescribeCluster points at
 * ({@link EksApiGaps#serveKubernetes}); a loopback Helm repository of stand-in charts
 * ({@link StandInChartRepository}: the real ones are on the internet); and what a cluster without nodes
 * lacks for Helm releases to become ready: a Deployment is reported available once created, as the
 * deployment controller would report it once its pods ran.
 */
public final class LocalKubernetes implements AutoCloseable {
    /** How long a first build of kube-apiserver and etcd takes on 2 cores (scripts/ensure-kube-apiserver.sh). */
    public static final String FIRST_BUILD_TIME = "about 7 minutes on 2 cores";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final KubeApiServer kube;
    private final StandInChartRepository charts;
    private final Path helm;
    private final ExecutorService statusWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-kubernetes-deployments");
        t.setDaemon(true);
        return t;
    });
    private final Watch deployments;

    private LocalKubernetes(KubeApiServer kube, StandInChartRepository charts, Path helm) {
        this.kube = kube;
        this.charts = charts;
        this.helm = helm;
        this.deployments = reportDeploymentsAvailable(kube.adminClient());
    }

    /**
     * Starts it for cluster {@code cluster} of {@code account}: builds the binaries and helm if needed (telling
     * {@code progress}), serves {@code charts} (chart name → versions) from {@code chartDir}.
     */
    public static LocalKubernetes start(LocalAws aws, String account, String cluster, Map<String, List<String>> charts,
                                        Path chartDir, Consumer<String> progress) throws Exception {
        progress.accept("kube-apiserver and etcd: built from the Go module proxy into .cache/bin when missing ("
                + FIRST_BUILD_TIME + " the first time)");
        KubeApiServer kube = timed("kube-apiserver and etcd", progress, () -> KubeApiServer.shared(line -> {
            if (!line.startsWith("bin-dir: ")) progress.accept("  " + line);
        }));
        progress.accept("kube-apiserver at " + kube.url() + " (started in " + kube.startupTime().toSeconds() + " s)");
        Path helm = timed("helm", progress, StandInChartRepository::helmBinary);
        kube.authenticateTokensWith(new EksTokenAuthenticator(account, cluster, aws, kube.adminClient(), Clock.systemUTC()));
        aws.eks().serveKubernetes(account, cluster, kube.url(), kube.caCertificatePem());
        return new LocalKubernetes(kube, new StandInChartRepository(helm, chartDir, charts), helm);
    }

    public KubeApiServer server() {
        return kube;
    }

    /** The loopback chart repository's URL. */
    public String chartRepository() {
        return charts.url();
    }

    public Path helm() {
        return helm;
    }

    /** Runs {@code step}, telling how long it has been running every 30 s while it lasts (a build can take minutes). */
    private static <T> T timed(String what, Consumer<String> progress, Supplier<T> step) {
        long started = System.nanoTime();
        Thread ticker = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(PROGRESS_EVERY);
                    long s = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    progress.accept(what + ": still building, " + s / 60 + " min " + s % 60 + " s so far");
                }
            } catch (InterruptedException done) {
                // the step finished
            }
        }, "local-kubernetes-progress");
        ticker.setDaemon(true);
        ticker.start();
        try {
            return step.get();
        } finally {
            ticker.interrupt();
        }
    }

    /** What the deployment controller reports once a Deployment's pods run: here at once, since nothing can run. */
    private Watch reportDeploymentsAvailable(KubernetesClient admin) {
        return admin.apps().deployments().inAnyNamespace().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if ((action == Action.ADDED || action == Action.MODIFIED) && !available(d)) statusWriter.submit(() -> markAvailable(admin, d));
            }

            @Override
            public void onClose(WatcherException cause) {
                // closed with the demo; a dropped watch only leaves releases waiting, which the readiness report names
            }
        });
    }

    static boolean available(Deployment d) {
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var s = d.getStatus();
        return s != null && s.getObservedGeneration() != null && s.getObservedGeneration().equals(d.getMetadata().getGeneration())
                && s.getAvailableReplicas() != null && s.getAvailableReplicas() == wanted
                && s.getUpdatedReplicas() != null && s.getUpdatedReplicas() == wanted;
    }

    private static void markAvailable(KubernetesClient admin, Deployment seen) {
        var resource = admin.apps().deployments().inNamespace(seen.getMetadata().getNamespace()).withName(seen.getMetadata().getName());
        try {
            Deployment current = resource.get();
            if (current == null || available(current)) return;
            int replicas = current.getSpec().getReplicas() == null ? 1 : current.getSpec().getReplicas();
            current.setStatus(new DeploymentStatusBuilder().withObservedGeneration(current.getMetadata().getGeneration())
                    .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
            admin.apps().deployments().inNamespace(current.getMetadata().getNamespace()).resource(current).updateStatus();
        } catch (KubernetesClientException e) {
            // A conflicting write: its own watch event brings us back here.
        }
    }

    @Override
    public void close() {
        deployments.close();
        statusWriter.shutdownNow();
        charts.close();
        kube.authenticateTokensWith(null);
    }
}
