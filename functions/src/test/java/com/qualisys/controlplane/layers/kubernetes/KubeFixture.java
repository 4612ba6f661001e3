package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import com.qualisys.controlplane.emulator.KubeApiServer;
import com.qualisys.controlplane.testing.TestSpecs;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One test's own QUALISYS cluster inside the shared kube-apiserver: the repo's dev spec with a
 * unique environment name and unique namespace names ("dev-3f2a9c1b"), so tests never see each
 * other's namespaced objects. Cluster-scoped objects (the ClusterRoles, devops'
 * ClusterRoleBinding, aws-auth) have fixed names and are the same for every test: a later test
 * adopts them as they are. The layer talks through a client that records every request.
 */
final class KubeFixture {
    final KubeApiServer kube = KubeApiServer.shared();
    final KubernetesClient admin = kube.adminClient();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final EnvironmentSpec spec;
    final RequestLog requests = new RequestLog();
    final KubernetesClient layerClient;
    final KubernetesLayer layer;
    final AwsClients aws = MotoServer.shared().clients();

    KubeFixture() {
        this(HelmRunner.standard(), c -> c);
    }

    /** With the given helm, and each of the seed's components changed (or dropped, when mapped to null). */
    KubeFixture(HelmRunner helm, UnaryOperator<KubernetesSpec.Component> components) {
        spec = unique(TestSpecs.load("dev"), suffix, components);
        layerClient = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", requests))
                .build();
        layer = new KubernetesLayer(KubernetesConnector.fixed(layerClient), helm);
        kube.createNamespace(componentsNamespace(), Map.of());
    }

    Reconciler reconciler() {
        return new Reconciler(spec, aws, List.of(layer));
    }

    /** The unique name of one of the seed's namespaces in this test ("production" → "production-3f2a9c1b"). */
    String ns(String seedName) {
        return seedName + "-" + suffix;
    }

    String componentsNamespace() {
        return "components-" + suffix;
    }

    static EnvironmentSpec unique(EnvironmentSpec spec, String suffix, UnaryOperator<KubernetesSpec.Component> edit) {
        KubernetesSpec k = spec.kubernetes();
        Map<String, KubernetesSpec.Namespace> namespaces = new LinkedHashMap<>();
        k.namespaces().forEach((name, ns) -> namespaces.put(name + "-" + suffix, ns));
        Map<String, Map<String, KubernetesSpec.Access>> access = new LinkedHashMap<>();
        k.access().forEach((role, cells) -> {
            Map<String, KubernetesSpec.Access> renamed = new LinkedHashMap<>();
            cells.forEach((ns, a) -> renamed.put(ns + "-" + suffix, a));
            access.put(role, renamed);
        });
        List<KubernetesSpec.Component> components = k.components().stream()
                .map(c -> new KubernetesSpec.Component(c.name(), c.repository(), c.chart(), c.version(), "components-" + suffix,
                        c.values(), c.irsaRole(), c.set()))
                .map(edit)
                .filter(java.util.Objects::nonNull)
                .toList();
        KubernetesSpec renamed = new KubernetesSpec(k.fieldManager(), namespaces, k.groups(), access, k.clusterAccess(),
                k.awsAuth(), components);
        return new EnvironmentSpec("k8s-" + suffix, spec.aws(), spec.state(), spec.account(), spec.iam(), spec.monitoring(),
                spec.vpc(), spec.eks(), spec.rds(), renamed, spec.responses(), spec.drift());
    }

    // ------------------------------------------------------------ what Helm would have created

    /**
     * A Deployment with the labels Helm and these charts put on it, as if {@code helm upgrade
     * --install} had run; with availableReplicas set as the deployment controller would once
     * its pods run (no controller runs here).
     */
    Deployment installAsHelmWould(String release, String chart, String version, boolean ready) {
        Map<String, String> labels = Map.of(
                "app.kubernetes.io/managed-by", "Helm",
                "app.kubernetes.io/instance", release,
                "app.kubernetes.io/name", chart,
                "helm.sh/chart", chart + "-" + version);
        Deployment d = admin.apps().deployments().inNamespace(componentsNamespace()).resource(new DeploymentBuilder()
                .withNewMetadata().withName(release).withLabels(labels)
                .withAnnotations(Map.of("meta.helm.sh/release-name", release, "meta.helm.sh/release-namespace", componentsNamespace()))
                .endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(Map.of("app.kubernetes.io/instance", release)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app.kubernetes.io/instance", release)).endMetadata()
                .withNewSpec().addNewContainer().withName(chart).withImage("registry.k8s.io/pause:3.10").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        return setAvailable(d, ready);
    }

    Deployment setAvailable(Deployment d, boolean ready) {
        Deployment current = admin.apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName()).get();
        int replicas = current.getSpec().getReplicas() == null ? 1 : current.getSpec().getReplicas();
        int n = ready ? replicas : 0;
        current.setStatus(new DeploymentStatusBuilder().withObservedGeneration(current.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(n).withAvailableReplicas(n).build());
        return admin.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(current).updateStatus();
    }

    /** The seed's three components, installed and ready at versions inside their constraints. */
    void installComponents() {
        installAsHelmWould("cluster-autoscaler", "cluster-autoscaler", "9.37.0", true);
        installAsHelmWould("metrics-server", "metrics-server", "3.12.2", true);
        installAsHelmWould("aws-load-balancer-controller", "aws-load-balancer-controller", "1.6.2", true);
    }

    // ------------------------------------------------------------ what the missing controllers would do

    /**
     * What the resource-quota controller does for a new quota: publish status.hard and the
     * usage (nothing runs yet). Quota admission enforces only what status.hard lists, so
     * without this a quota would admit anything.
     */
    void syncQuotaStatus(String namespace) {
        ResourceQuota q = admin.resourceQuotas().inNamespace(namespace).withName(KubernetesKinds.QUOTA_NAME).get();
        Map<String, Quantity> used = new LinkedHashMap<>();
        q.getSpec().getHard().keySet().forEach(k -> used.put(k, new Quantity("0")));
        q.setStatus(new ResourceQuotaStatusBuilder().withHard(q.getSpec().getHard()).withUsed(used).build());
        admin.resourceQuotas().inNamespace(namespace).resource(q).updateStatus();
    }

    /** What the service-account controller does for a new namespace: its "default" ServiceAccount. */
    void createDefaultServiceAccount(String namespace) {
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().build()).create();
    }

    /**
     * What the namespace controller does after a namespace is deleted: delete what is in it,
     * then clear the "kubernetes" finalizer through the finalize subresource, which removes the
     * namespace. Deleting the contents matters: objects of a finalized namespace would otherwise
     * stay in etcd and reappear when the namespace is created again.
     */
    void finishNamespaceDeletion(String namespace) throws Exception {
        admin.rbac().roleBindings().inNamespace(namespace).delete();
        admin.resourceQuotas().inNamespace(namespace).delete();
        admin.serviceAccounts().inNamespace(namespace).delete();
        admin.configMaps().inNamespace(namespace).delete();
        admin.pods().inNamespace(namespace).withGracePeriod(0).delete();
        Namespace ns = admin.namespaces().withName(namespace).get();
        ns.getSpec().setFinalizers(List.of());
        HttpClient http = admin.getHttpClient();
        HttpResponse<String> r = http.sendAsync(http.newHttpRequestBuilder()
                        .uri(kube.url() + "/api/v1/namespaces/" + namespace + "/finalize")
                        .put("application/json", Serialization.asJson(ns)).build(), String.class)
                .get(30, TimeUnit.SECONDS);
        if (r.code() != 200) throw new IllegalStateException("finalize " + namespace + ": " + r.code() + " " + r.body());
    }

    /**
     * Every HTTP request the layer's client sends, as "METHOD path"; optionally a crash (an
     * exception before the request leaves) at the first write past a budget.
     */
    static final class RequestLog implements Interceptor {
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private volatile int writesBeforeCrash = Integer.MAX_VALUE;

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (!request.method().equals("GET") && mutating().size() >= writesBeforeCrash) {
                throw new IllegalStateException("simulated crash before write " + (writesBeforeCrash + 1));
            }
            requests.add(request.method() + " " + request.uri().getPath());
        }

        void crashAfterWrites(int k) {
            clear();
            writesBeforeCrash = k;
        }

        void noCrash() {
            writesBeforeCrash = Integer.MAX_VALUE;
        }

        List<String> mutating() {
            return requests.stream().filter(r -> !r.startsWith("GET ")).toList();
        }

        List<String> all() {
            return new ArrayList<>(requests);
        }

        void clear() {
            requests.clear();
        }
    }
}
