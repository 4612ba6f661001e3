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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An emulated EKS cluster's Kubernetes side, for {@code qualisys demo --kubernetes}: a local
 * {@link KubeApiServer} of its own (built first when {@code .cache/bin} lacks it), which accepts the control
 * plane's EKS tokens ({@link EksTokenAuthenticator}) and which the cluster's DescribeCluster points at
 * ({@link EksApiGaps#serveKubernetes}); and what a cluster without nodes lacks for Helm releases to become
 * ready: a Deployment is reported available once created, as the deployment controller would report it once
 * its pods ran. The charts come from a loopback {@link StandInChartRepository} (the real ones are on the internet).
 */
public final class LocalKubernetes implements AutoCloseable {
    /** How long a first build of kube-apiserver and etcd takes on 2 cores (scripts/ensure-kube-apiserver.sh). */
    public static final String FIRST_BUILD_TIME = "about 7 minutes on 2 cores";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final KubeApiServer kube;
    private final ExecutorService statusWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-kubernetes-deployments");
        t.setDaemon(true);
        return t;
    });
    private final Watch deployments;

    private LocalKubernetes(KubeApiServer kube) {
        this.kube = kube;
        this.deployments = reportDeploymentsAvailable(kube.adminClient());
    }

    /**
     * Builds kube-apiserver and etcd (when missing) and helm (when missing), telling {@code progress}; returns helm.
     * Call it before {@link #start}, so a first build is reported once.
     */
    public static Path build(Consumer<String> progress) {
        progress.accept("kube-apiserver and etcd: built from the Go module proxy into .cache/bin when missing ("
                + FIRST_BUILD_TIME + " the first time)");
        timed("kube-apiserver and etcd", progress, () -> KubeApiServer.ensureBinaries(line -> {
            if (!line.startsWith("bin-dir: ")) progress.accept("  " + line);
        }));
        return timed("helm", progress, StandInChartRepository::helmBinary);
    }

    /** Starts the Kubernetes API of cluster {@code cluster} in {@code account}: a server of its own, as each EKS cluster has. */
    public static LocalKubernetes start(LocalAws aws, String account, String cluster, Consumer<String> progress) {
        KubeApiServer kube = KubeApiServer.startNew(line -> {
            if (!line.startsWith("bin-dir: ")) progress.accept("  " + line);
        });
        kube.authenticateTokensWith(new EksTokenAuthenticator(account, cluster, aws, kube.adminClient(), Clock.systemUTC()));
        aws.eks().serveKubernetes(account, cluster, kube.url(), kube.caCertificatePem());
        progress.accept("cluster " + cluster + " of account " + account + ": kube-apiserver at " + kube.url()
                + " (started in " + kube.startupTime().toSeconds() + " s), DescribeCluster points at it");
        return new LocalKubernetes(kube);
    }

    public KubeApiServer server() {
        return kube;
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
        kube.close();
    }
}
