package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.LocalKubernetes;
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
 * What {@code qualisys demo --kubernetes} adds: the local Kubernetes side of the environment's EKS cluster,
 * the spec's chart repositories swapped for the loopback one of stand-in charts (in memory, through a spec
 * overlay; the files are untouched), the kubernetes layer with the helm the scripts build, and at the end
 * what the cluster holds.
 */
final class KubernetesDemo {
    private KubernetesDemo() {}

    /** Starts the cluster's API (building it first if needed), with stand-in charts at the versions the spec's constraints allow. */
    static LocalKubernetes start(LocalAws emulator, EnvironmentSpec spec, PrintWriter out) throws Exception {
        Map<String, List<String>> charts = new TreeMap<>();
        for (KubernetesSpec.Component c : spec.kubernetes().components()) {
            VersionConstraint constraint = VersionConstraint.parse(c.version());
            List<String> versions = new ArrayList<>(List.of(constraint.lower().toString()));
            // One version past the range too: the one installed shows helm honoured the constraint.
            if (constraint.upper() != null) versions.add(constraint.upper().toString());
            charts.merge(c.chart(), versions, (a, b) -> {
                List<String> both = new ArrayList<>(a);
                b.stream().filter(v -> !both.contains(v)).forEach(both::add);
                return both;
            });
        }
        Path chartDir = Files.createTempDirectory("qualisys-demo-charts-");
        LocalKubernetes cluster = LocalKubernetes.start(emulator, spec.aws().accountId(), spec.eks().clusterName(), charts, chartDir,
                line -> {
                    out.println("demo: " + line);
                    out.flush();
                });
        out.println("demo: the cluster's DescribeCluster endpoint is " + cluster.server().url() + "; the API server accepts the control"
                + " plane's EKS token (a presigned STS GetCallerIdentity, verified and mapped as EKS does: creator, aws-auth)");
        out.println("demo: Helm charts: stand-ins (one Deployment each, not the upstream charts) served at " + cluster.chartRepository()
                + ": " + charts);
        return cluster;
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
        out.println("demo: kubernetes cluster " + spec.eks().clusterName() + " (read back from the API server):");
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
