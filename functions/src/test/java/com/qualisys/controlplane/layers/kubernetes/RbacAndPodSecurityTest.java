package com.qualisys.controlplane.layers.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.spec.KubernetesSpec.Access;
import com.qualisys.controlplane.testing.TestSpecs;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's RBAC matrix and Pod Security levels as the API server enforces them once the
 * layer has applied them: every decision here is the server's own (SubjectAccessReview, the
 * RBAC authorizer, PodSecurity admission).
 */
class RbacAndPodSecurityTest {
    private static final List<String> ROLES = List.of("developer", "devops", "ci-cd");
    private static final List<String> SEED_NAMESPACES = List.of("dev", "staging", "production", "playwright-pool", "monitoring");

    /** What each cell of the seed's matrix lets a role do, checked verb by verb. */
    private static final List<Check> CHECKS = List.of(
            new Check("get pods", "", "pods", "get"),
            new Check("list pods", "", "pods", "list"),
            new Check("watch pods", "", "pods", "watch"),
            new Check("create pods", "", "pods", "create"),
            new Check("delete pods", "", "pods", "delete"),
            new Check("exec into pods", "", "pods/exec", "create"),
            new Check("read secrets", "", "secrets", "get"),
            new Check("create deployments", "apps", "deployments", "create"),
            new Check("create rolebindings", "rbac.authorization.k8s.io", "rolebindings", "create"),
            new Check("raise the quota", "", "resourcequotas", "update"));

    private static KubeFixture f;

    @BeforeAll
    static void applyTheLayer() {
        f = new KubeFixture();
        f.installComponents();
        f.reconciler().apply("kubernetes", false);
    }

    @Test
    void theRbacMatrixHoldsCellByCellAsTheApiServerDecides() throws InterruptedException {
        Map<String, Boolean> expected = new LinkedHashMap<>();
        Map<String, Map<String, Access>> matrix = TestSpecs.load("dev").kubernetes().access();
        for (String role : ROLES) {
            for (String ns : SEED_NAMESPACES) {
                Access access = matrix.get(role).get(ns);
                for (Check check : CHECKS) expected.put(cell(role, ns, check), allowed(role, access, check));
            }
        }
        // The RBAC authorizer sees new bindings through an informer: wait until it has them all.
        Map<String, Boolean> actual = decisions();
        for (int i = 0; i < 30 && !actual.equals(expected); i++) {
            Thread.sleep(500);
            actual = decisions();
        }
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Boolean> cell : expected.entrySet()) {
            if (!cell.getValue().equals(actual.get(cell.getKey()))) {
                wrong.add(cell.getKey() + ": expected " + (cell.getValue() ? "allowed" : "denied"));
            }
        }
        assertThat(wrong).as("cells the API server decides differently from the seed's matrix").isEmpty();
        assertThat(expected).hasSize(ROLES.size() * SEED_NAMESPACES.size() * CHECKS.size());
    }

    @Test
    void theSeedsKubectlAuthCanIExamples() {
        // kubectl auth can-i create pods --namespace production  # developer: no
        assertThat(can("developer", f.ns("production"), "", "pods", "create")).isFalse();
        // kubectl auth can-i create pods --namespace staging     # developer: yes
        assertThat(can("developer", f.ns("staging"), "", "pods", "create")).isTrue();
        // kubectl auth can-i '*' '*'                             # devops: yes (cluster-wide)
        assertThat(can("devops", null, "*", "*", "*")).isTrue();
        assertThat(can("developer", null, "*", "*", "*")).isFalse();
        assertThat(can("ci-cd", null, "", "namespaces", "list")).as("ci-cd sees no other namespaces").isFalse();
        // CI/CD: "No pod exec", staging only.
        assertThat(can("ci-cd", f.ns("staging"), "", "pods/exec", "create")).isFalse();
        assertThat(can("ci-cd", f.ns("production"), "apps", "deployments", "create")).isFalse();
    }

    @Test
    void productionRejectsAPrivilegedPodAndAPodRunningAsRoot() {
        String production = f.ns("production");
        f.createDefaultServiceAccount(production);
        f.syncQuotaStatus(production);

        assertThatThrownBy(() -> f.admin.pods().inNamespace(production).resource(pod("privileged", Hardening.PRIVILEGED)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:v1.29\"").contains("privileged");
                });
        assertThatThrownBy(() -> f.admin.pods().inNamespace(production).resource(pod("as-root", Hardening.NONE)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage())
                        .contains("violates PodSecurity \"restricted:v1.29\"").contains("runAsNonRoot"));
        Pod hardened = f.admin.pods().inNamespace(production).resource(pod("hardened", Hardening.RESTRICTED)).create();
        assertThat(hardened.getMetadata().getUid()).as("a pod meeting restricted is admitted").isNotBlank();
    }

    @Test
    void devAdmitsABaselinePodWithARestrictedWarningButNeitherAPrivilegedOneNorOneWithoutRequests() throws Exception {
        String dev = f.ns("dev");
        f.createDefaultServiceAccount(dev);
        f.syncQuotaStatus(dev);

        // fabric8 only logs Warning headers: send the request on the same HTTP stack to read them.
        HttpClient http = f.admin.getHttpClient();
        HttpResponse<String> created = http.sendAsync(http.newHttpRequestBuilder()
                        .uri(f.kube.url() + "/api/v1/namespaces/" + dev + "/pods")
                        .post("application/json", Serialization.asJson(pod("as-root", Hardening.NONE))).build(), String.class)
                .get(30, TimeUnit.SECONDS);
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(String.join("\n", created.headers("Warning")))
                .contains("would violate PodSecurity \\\"restricted:latest\\\"").contains("runAsNonRoot");

        // The quota is enforced: a pod that declares no requests and limits is refused.
        Pod undeclared = new PodBuilder(pod("undeclared", Hardening.NONE)).editSpec().editFirstContainer()
                .withResources(null).endContainer().endSpec().build();
        assertThatThrownBy(() -> f.admin.pods().inNamespace(dev).resource(undeclared).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage())
                        .contains("failed quota: qualisys-quota").contains("requests.cpu"));

        // baseline forbids privileged containers outright: no warning, a refusal.
        assertThatThrownBy(() -> f.admin.pods().inNamespace(dev).resource(pod("privileged", Hardening.PRIVILEGED)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e ->
                        assertThat(e.getMessage()).contains("violates PodSecurity \"baseline:v1.29\"").contains("privileged"));
    }

    // ---------------------------------------------------------------- expectations from the seed

    /**
     * full: the role's own ClusterRole; read-only: look, never touch, no secrets; none: nothing.
     * Nobody may bind roles or raise a quota in a namespace, except devops. CI/CD: "No pod exec"
     * and "cannot read secrets". Developers may exec where they have full access (debugging).
     */
    private static boolean allowed(String role, Access access, Check check) {
        if (access == Access.NONE) return false;
        if (role.equals("devops")) return true;
        boolean looks = List.of("get", "list", "watch").contains(check.verb) && check.resource.equals("pods");
        if (access == Access.READ_ONLY) return looks;
        return switch (check.name) {
            case "create rolebindings", "raise the quota" -> false;
            case "exec into pods", "read secrets" -> role.equals("developer");
            default -> true;
        };
    }

    private Map<String, Boolean> decisions() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String role : ROLES) {
            for (String ns : SEED_NAMESPACES) {
                for (Check check : CHECKS) out.put(cell(role, ns, check), can(role, f.ns(ns), check.group, check.resource, check.verb));
            }
        }
        return out;
    }

    private static String cell(String role, String ns, Check check) {
        return role + " | " + ns + " | " + check.name;
    }

    /** Asks the API server whether a member of the role's group may do this (namespace null: cluster-wide). */
    private static boolean can(String role, String namespace, String group, String resource, String verb) {
        String k8sGroup = f.spec.kubernetes().groups().get(role);
        String[] resourceAndSub = resource.split("/", 2);
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser("someone-in-" + k8sGroup)
                .withGroups(k8sGroup, "system:authenticated")
                .withResourceAttributes(new ResourceAttributesBuilder().withNamespace(namespace).withGroup(group)
                        .withResource(resourceAndSub[0]).withSubresource(resourceAndSub.length > 1 ? resourceAndSub[1] : null)
                        .withVerb(verb).build())
                .endSpec().build();
        return f.admin.authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed();
    }

    private record Check(String name, String group, String resource, String verb) {}

    private enum Hardening { PRIVILEGED, NONE, RESTRICTED }

    /** A pod no kubelet will run, with the requests and memory limit the namespace quota asks for. */
    private static Pod pod(String name, Hardening hardening) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata();
        var container = b.withNewSpec().addNewContainer().withName("app").withImage("registry.k8s.io/pause:3.10")
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi")))
                .withLimits(Map.of("memory", new Quantity("64Mi")))
                .endResources();
        switch (hardening) {
            case PRIVILEGED -> container.withNewSecurityContext().withPrivileged(true).endSecurityContext();
            case RESTRICTED -> container.withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65534L)
                    .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext();
            case NONE -> { }
        }
        return container.endContainer().endSpec().build();
    }
}
