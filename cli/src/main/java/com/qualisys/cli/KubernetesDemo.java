package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.LocalKubernetes;
import com.qualisys.controlplane.emulator.StandInChartRepository;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.layers.kubernetes.KubernetesIdentity;
import com.qualisys.controlplane.layers.kubernetes.KubernetesKinds;
import com.qualisys.controlplane.layers.kubernetes.KubernetesLayer;
import com.qualisys.controlplane.layers.kubernetes.connection.EksConnector;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.layers.kubernetes.helm.VersionConstraint;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code qualisys demo --kubernetes} adds besides each cluster's {@link LocalKubernetes}: the spec's chart repositories swapped for the loopback one of stand-in charts (in memory, through a spec
 * overlay; the files are untouched), the kubernetes layer with the helm the scripts build, and at the end
 * what the cluster holds.
 */
final class KubernetesDemo {
    private KubernetesDemo() {}

    /** The stand-in charts every environment's components name, at the bounds of their version constraints, on loopback. */
    static StandInChartRepository charts(List<EnvironmentSpec> envs, Path helm, PrintWriter out) throws Exception {
        Map<String, List<String>> charts = new TreeMap<>();
        for (EnvironmentSpec spec : envs) {
            for (KubernetesSpec.Component c : spec.kubernetes().components()) {
                VersionConstraint constraint = VersionConstraint.parse(c.version());
                List<String> versions = charts.computeIfAbsent(c.chart(), k -> new ArrayList<>());
                // The lowest version the range allows, and the first one past it: the one installed shows helm honoured the range.
                for (var v : java.util.Arrays.asList(constraint.lower(), constraint.upper())) {
                    if (v != null && !versions.contains(v.toString())) versions.add(v.toString());
                }
            }
        }
        StandInChartRepository repository = new StandInChartRepository(helm, Files.createTempDirectory("qualisys-demo-charts-"), charts);
        out.println("demo: Helm charts: stand-ins (one Deployment each, not the upstream charts) served at " + repository.url()
                + ": " + charts);
        return repository;
    }

    /** A spec overlay: every component's repository is the loopback one. */
    static JsonNode chartsFrom(EnvironmentSpec spec, String repository) {
        ObjectNode overlay = RunCommand.JSON.createObjectNode();
        ArrayNode components = overlay.putObject("kubernetes").putArray("components");
        for (KubernetesSpec.Component c : spec.kubernetes().components()) {
            ObjectNode node = RunCommand.JSON.valueToTree(new KubernetesSpec.Component(c.name(), repository, c.chart(), c.version(),
                    c.namespace(), c.values(), c.irsaRole(), c.set()));
            List<String> unset = new ArrayList<>();
            node.fieldNames().forEachRemaining(f -> {
                if (node.get(f).isNull()) unset.add(f);
            });
            node.remove(unset);
            components.add(node);
        }
        return overlay;
    }

    /** The layers, with the kubernetes layer running the helm the scripts built (not one looked up on PATH). */
    static List<Layer> withLocalHelm(List<Layer> layers, Path helm) {
        return layers.stream().map(l -> l instanceof KubernetesLayer
                ? (Layer) new KubernetesLayer(new EksConnector(), new HelmRunner(() -> helm, Duration.ofMinutes(5))) : l).toList();
    }

    /** Namespaces with their Pod Security level and quota, the RBAC bindings, aws-auth and the releases, as the cluster holds them. */
    static void printCluster(PrintWriter out, LocalKubernetes cluster, EnvironmentSpec spec) {
        KubernetesClient k = cluster.server().adminClient();
        out.println("demo: " + spec.environment() + "'s kubernetes cluster " + spec.eks().clusterName() + " (read back from its API server):");
        for (String name : spec.kubernetes().namespaces().keySet()) {
            Namespace ns = k.namespaces().withName(name).get();
            if (ns == null) {
                out.println("demo:   namespace " + name + ": missing");
                continue;
            }
            ResourceQuota quota = k.resourceQuotas().inNamespace(name).withName(KubernetesKinds.QUOTA_NAME).get();
            Map<String, String> hard = new LinkedHashMap<>();
            if (quota != null) quota.getSpec().getHard().forEach((key, q) -> hard.put(key, q.toString()));
            int bindings = k.rbac().roleBindings().inNamespace(name).list().getItems().size();
            out.println("demo:   namespace " + name + ": pod-security enforce="
                    + ns.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce") + ", quota " + hard
                    + ", " + bindings + " role binding(s)");
        }
        long clusterRoles = k.rbac().clusterRoles().withLabel(KubernetesIdentity.MANAGED_BY, KubernetesIdentity.MANAGED_BY_VALUE).list().getItems().size();
        long clusterBindings = k.rbac().clusterRoleBindings().withLabel(KubernetesIdentity.MANAGED_BY, KubernetesIdentity.MANAGED_BY_VALUE)
                .list().getItems().size();
        var awsAuth = k.configMaps().inNamespace("kube-system").withName("aws-auth").get();
        int mapped = awsAuth == null || awsAuth.getData() == null ? 0
                : (int) awsAuth.getData().getOrDefault("mapRoles", "").lines().filter(l -> l.contains("rolearn:")).count();
        out.println("demo:   RBAC: " + clusterRoles + " cluster role(s), " + clusterBindings + " cluster role binding(s); aws-auth maps "
                + mapped + " IAM role(s)");
        for (KubernetesSpec.Component c : spec.kubernetes().components()) {
            List<String> charts = k.apps().deployments().inNamespace(c.namespace()).withLabel("app.kubernetes.io/instance", c.name())
                    .list().getItems().stream().map(Deployment::getMetadata).map(m -> m.getLabels().get("helm.sh/chart")).toList();
            out.println("demo:   release " + c.namespace() + "/" + c.name() + " (" + c.version() + "): " + (charts.isEmpty() ? "not installed"
                    : String.join(", ", charts)));
        }
    }
}
