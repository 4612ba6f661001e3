package com.qualisys.controlplane.layers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes layer against a real kube-apiserver: apply, idempotence counted in HTTP
 * requests, drift of fields we own only, and repair of out-of-band changes made by other
 * clients and field managers.
 */
class KubernetesLayerTest {

    @Test
    void applyCreatesEverythingAndASecondApplyWritesNothing() {
        KubeFixture f = new KubeFixture();
        f.installComponents();

        Reconciler.ApplyResult first = f.reconciler().apply("kubernetes", false);

        // Every change was one server-side apply (PATCH), nothing else was written.
        assertThat(f.requests.mutating()).hasSize(first.applied().size()).allMatch(r -> r.startsWith("PATCH "));
        assertThat(first.applied()).extracting(Change::logicalId).contains(
                "kubernetes/namespace/" + f.ns("production"), "kubernetes/resource-quota/" + f.ns("dev"),
                "kubernetes/role-binding/" + f.ns("production") + "/developer");

        Namespace production = f.admin.namespaces().withName(f.ns("production")).get();
        assertThat(production.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/enforce-version", "v1.29")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("app.kubernetes.io/managed-by", "qualisys-control-plane")
                .containsEntry("qualisys.io/environment", f.spec.environment());
        assertThat(production.getMetadata().getAnnotations()).containsEntry("qualisys.io/logical-id", "kubernetes/namespace/" + f.ns("production"));
        assertThat(f.admin.namespaces().withName(f.ns("dev")).get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "baseline").containsEntry("pod-security.kubernetes.io/warn", "restricted");
        assertThat(f.admin.resourceQuotas().inNamespace(f.ns("playwright-pool")).withName("qualisys-quota").get().getSpec().getHard())
                .containsEntry("requests.cpu", new Quantity("80")).containsEntry("requests.memory", new Quantity("160Gi"))
                .containsEntry("pods", new Quantity("100"));
        assertThat(f.admin.rbac().roleBindings().inNamespace(f.ns("production")).withName("developer").get().getRoleRef().getName())
                .isEqualTo("read-only");
        assertThat(f.admin.rbac().roleBindings().inNamespace(f.ns("dev")).withName("ci-cd").get()).as("ci-cd: none in dev").isNull();
        ConfigMap awsAuth = f.admin.configMaps().inNamespace("kube-system").withName("aws-auth").get();
        assertThat(awsAuth.getData().get("mapRoles"))
                .contains("rolearn: arn:aws:iam::123456789012:role/QualisysDeveloper")
                .contains("system:node:{{EC2PrivateDNSName}}");
        assertThat(managers(production)).contains("qualisys-control-plane");

        // Second apply: empty plan, no write at all, no object touched.
        Map<String, String> versions = resourceVersions(f);
        f.requests.clear();
        Reconciler.ApplyResult second = f.reconciler().apply("kubernetes", false);

        assertThat(second.plan().changes()).isEmpty();
        assertThat(f.requests.mutating()).isEmpty();
        assertThat(f.requests.all()).as("observe: one list per kind, plus preflight's /version")
                .hasSizeLessThanOrEqualTo(8);
        assertThat(resourceVersions(f)).isEqualTo(versions);
        System.err.printf("[KubernetesLayerTest] first apply: %d changes, %d writes; second apply: %d requests (%d writes)%n",
                first.applied().size(), first.applied().size(), f.requests.all().size(), f.requests.mutating().size());
    }

    @Test
    void outOfBandChangesAreReportedAndRepaired() {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        f.reconciler().apply("kubernetes", false);
        String production = f.ns("production");
        String staging = f.ns("staging");
        String rogueClusterBinding = "developers-cluster-admin-" + f.suffix;

        // 1. Production's Pod Security level lowered to privileged.
        f.admin.namespaces().withName(production).edit(ns -> {
            ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "privileged");
            return ns;
        });
        // 2. Production's CPU quota raised.
        f.admin.resourceQuotas().inNamespace(production).withName("qualisys-quota").edit(q -> {
            q.getSpec().getHard().put("requests.cpu", new Quantity("64"));
            return q;
        });
        // 3. Developers given write access in production by a binding of their own.
        f.admin.rbac().roleBindings().inNamespace(production).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("developer-write").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("developer").endRoleRef()
                .addToSubjects(group("qualisys-developers")).build()).create();
        // 4. The aws-auth mapping edited: developers mapped to system:masters.
        f.admin.configMaps().inNamespace("kube-system").withName("aws-auth").edit(cm -> {
            cm.getData().put("mapRoles", cm.getData().get("mapRoles").replace("- qualisys-developers", "- system:masters"));
            return cm;
        });
        // 5. CI/CD bound in production, added to the devops binding there.
        f.admin.rbac().roleBindings().inNamespace(production).withName("devops").edit(b -> {
            b.getSubjects().add(group("qualisys-cicd"));
            return b;
        });
        // 6. A RoleBinding of the matrix deleted: ci-cd loses staging.
        f.admin.rbac().roleBindings().inNamespace(staging).withName("ci-cd").delete();
        // 7. The developer ClusterRole widened: developers may now grant access themselves.
        f.admin.rbac().clusterRoles().withName("developer").edit(r -> {
            r.getRules().add(new PolicyRuleBuilder().withApiGroups("rbac.authorization.k8s.io")
                    .withResources("rolebindings").withVerbs("create").build());
            return r;
        });
        // 8. Developers made cluster admins.
        f.admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder()
                .withNewMetadata().withName(rogueClusterBinding).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
                .addToSubjects(group("qualisys-developers")).build()).create();

        Plan drift = f.reconciler().plan("kubernetes");

        Map<String, Change> byId = drift.changes().stream().collect(Collectors.toMap(Change::logicalId, c -> c));
        assertThat(byId.keySet()).containsExactlyInAnyOrder(
                "kubernetes/namespace/" + production,
                "kubernetes/resource-quota/" + production,
                "kubernetes/role-binding/" + production + "/developer-write",
                "kubernetes/config-map/aws-auth",
                "kubernetes/role-binding/" + production + "/devops",
                "kubernetes/role-binding/" + staging + "/ci-cd",
                "kubernetes/cluster-role/developer",
                "kubernetes/cluster-role-binding/" + rogueClusterBinding);
        assertThat(byId.get("kubernetes/namespace/" + production).differences()).singleElement()
                .satisfies(d -> {
                    assertThat(d.path()).isEqualTo("podSecurity.enforce");
                    assertThat(d.expected()).isEqualTo("restricted");
                    assertThat(d.actual()).isEqualTo("privileged");
                });
        assertThat(byId.get("kubernetes/resource-quota/" + production).differences()).singleElement()
                .satisfies(d -> assertThat(List.of(d.path(), d.expected(), d.actual())).containsExactly("hard.requests.cpu", "32", "64"));
        assertThat(byId.get("kubernetes/role-binding/" + production + "/developer-write").action()).isEqualTo(Action.DELETE);
        assertThat(byId.get("kubernetes/cluster-role-binding/" + rogueClusterBinding).action()).isEqualTo(Action.DELETE);
        assertThat(byId.get("kubernetes/role-binding/" + staging + "/ci-cd").action()).isEqualTo(Action.CREATE);
        assertThat(byId.get("kubernetes/config-map/aws-auth").differences()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("mapRoles");
            assertThat(String.valueOf(d.expected())).contains("qualisys-developers").doesNotContain("system:masters");
            assertThat(String.valueOf(d.actual())).contains("system:masters");
        });
        assertThat(byId.get("kubernetes/role-binding/" + production + "/devops").differences()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("subjects");
            assertThat(String.valueOf(d.expected())).doesNotContain("qualisys-cicd");
            assertThat(String.valueOf(d.actual())).contains("qualisys-cicd");
        });
        assertThat(drift.hasDestructiveChanges()).as("none of these repairs loses data").isFalse();

        f.requests.clear();
        f.reconciler().apply("kubernetes", false);

        assertThat(f.requests.mutating()).hasSize(8);
        assertThat(f.reconciler().plan("kubernetes").changes()).as("drift after repair").isEmpty();
        assertThat(f.admin.namespaces().withName(production).get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(f.admin.rbac().roleBindings().inNamespace(production).withName("developer-write").get()).isNull();
        assertThat(f.admin.rbac().clusterRoleBindings().withName(rogueClusterBinding).get()).isNull();
        assertThat(f.admin.configMaps().inNamespace("kube-system").withName("aws-auth").get().getData().get("mapRoles"))
                .doesNotContain("system:masters");
        // The other repairs, read back with the admin client (not the layer's).
        assertThat(f.admin.resourceQuotas().inNamespace(production).withName("qualisys-quota").get().getSpec().getHard().get("requests.cpu"))
                .isEqualTo(new Quantity("32"));
        assertThat(f.admin.rbac().roleBindings().inNamespace(production).withName("devops").get().getSubjects())
                .extracting(s -> s.getName()).doesNotContain("qualisys-cicd");
        assertThat(f.admin.rbac().roleBindings().inNamespace(staging).withName("ci-cd").get()).as("ci-cd's staging binding").isNotNull();
        assertThat(f.admin.rbac().clusterRoles().withName("developer").get().getRules())
                .noneMatch(r -> r.getResources().contains("rolebindings") && r.getVerbs().contains("create"));
    }

    @Test
    void fieldsOtherManagersAddAreNotDriftAndSurviveTheNextApply() {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        f.reconciler().apply("kubernetes", false);
        String dev = f.ns("dev");

        f.admin.namespaces().withName(dev).edit(ns -> {
            ns.getMetadata().getLabels().put("team", "qa");
            ns.getMetadata().getAnnotations().put("owner", "platform");
            return ns;
        });
        f.admin.resourceQuotas().inNamespace(dev).withName("qualisys-quota").edit(q -> {
            q.getSpec().getHard().put("services.loadbalancers", new Quantity("2"));
            return q;
        });
        f.admin.configMaps().inNamespace("kube-system").withName("aws-auth").edit(cm -> {
            cm.getData().put("mapAccounts", "[]\n");
            return cm;
        });

        assertThat(f.reconciler().plan("kubernetes").changes()).isEmpty();
        f.requests.clear();
        f.reconciler().apply("kubernetes", false);
        assertThat(f.requests.mutating()).isEmpty();
        assertThat(f.admin.namespaces().withName(dev).get().getMetadata().getLabels()).containsEntry("team", "qa");
        assertThat(f.admin.resourceQuotas().inNamespace(dev).withName("qualisys-quota").get().getSpec().getHard())
                .containsKey("services.loadbalancers");
    }

    @Test
    void aDeletedNamespaceIsReportedWhileTerminatingAndCreatedAnewOnceItIsGone() throws Exception {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        f.reconciler().apply("kubernetes", false);
        String monitoring = f.ns("monitoring");

        f.admin.namespaces().withName(monitoring).delete();

        // Without the namespace controller it stays Terminating; so would it in a cluster while
        // its contents are being deleted. The drift says so, apply refuses to write into it,
        // readiness waits.
        Plan terminating = f.reconciler().plan("kubernetes");
        assertThat(terminating.changes()).singleElement().satisfies(c -> {
            assertThat(c.logicalId()).isEqualTo("kubernetes/namespace/" + monitoring);
            assertThat(c.differences()).singleElement().satisfies(d -> assertThat(d.actual()).isEqualTo("Terminating"));
        });
        assertThatThrownBy(() -> f.reconciler().apply("kubernetes", false))
                .hasMessageContaining("namespace " + monitoring + " is being deleted");
        assertThat(f.reconciler().readiness("kubernetes").waitingFor())
                .anySatisfy(w -> assertThat(w).contains(monitoring).contains("terminating"));

        f.finishNamespaceDeletion(monitoring);

        Plan gone = f.reconciler().plan("kubernetes");
        assertThat(gone.changes()).extracting(Change::logicalId, Change::action).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("kubernetes/namespace/" + monitoring, Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("kubernetes/resource-quota/" + monitoring, Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("kubernetes/role-binding/" + monitoring + "/developer", Action.CREATE),
                org.assertj.core.groups.Tuple.tuple("kubernetes/role-binding/" + monitoring + "/devops", Action.CREATE));

        f.reconciler().apply("kubernetes", false);
        assertThat(f.reconciler().plan("kubernetes").changes()).isEmpty();
        assertThat(f.admin.namespaces().withName(monitoring).get().getStatus().getPhase()).isEqualTo("Active");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "killed after write {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 7, 20})
    void aRunKilledAfterItsKthWriteConvergesWhenRunAgainWithoutDuplicates(int k) {
        KubeFixture f = new KubeFixture();
        f.installComponents();
        f.requests.crashAfterWrites(k);
        assertThatThrownBy(() -> f.reconciler().apply("kubernetes", false)).hasStackTraceContaining("simulated crash");
        assertThat(f.requests.mutating()).hasSize(k);

        f.requests.noCrash();
        f.reconciler().apply("kubernetes", false);

        assertThat(f.reconciler().plan("kubernetes").changes()).isEmpty();
        assertThat(f.admin.rbac().roleBindings().inNamespace(f.ns("production")).list().getItems())
                .extracting(b -> b.getMetadata().getName()).containsExactlyInAnyOrder("developer", "devops");
        assertThat(f.admin.resourceQuotas().inNamespace(f.ns("staging")).list().getItems()).hasSize(1);
    }

    // ---------------------------------------------------------------- helpers

    private static io.fabric8.kubernetes.api.model.rbac.Subject group(String name) {
        return new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName(name).build();
    }

    private static List<String> managers(HasMetadata o) {
        return o.getMetadata().getManagedFields().stream().map(ManagedFieldsEntry::getManager).toList();
    }

    /** resourceVersion of every object this test's environment owns, by kind/namespace/name. */
    private static Map<String, String> resourceVersions(KubeFixture f) {
        Map<String, String> out = new TreeMap<>();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(f.admin.namespaces().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        all.addAll(f.admin.resourceQuotas().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        all.addAll(f.admin.rbac().clusterRoles().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        all.addAll(f.admin.rbac().clusterRoleBindings().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        all.addAll(f.admin.rbac().roleBindings().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        all.addAll(f.admin.configMaps().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems());
        for (HasMetadata o : all) {
            out.put(o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion());
        }
        assertThat(out).as("objects owned").hasSizeGreaterThanOrEqualTo(25);
        return out;
    }
}
