package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.emulator.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the harness runs a real kube-apiserver: each assertion is on behaviour that only
 * the server's own code produces (field management, RBAC decisions, PodSecurity admission).
 */
class KubeApiServerTest {

    private static final String FIELD_MANAGER = "qualisys-control-plane";

    private static KubeApiServer kube;
    private static KubernetesClient admin;

    @BeforeAll
    static void startServer() {
        kube = KubeApiServer.shared();
        admin = kube.adminClient();
        System.err.println("[KubeApiServerTest] harness startup took " + kube.startupTime().toMillis() + " ms");
    }

    @Test
    void servesTheVersionPinnedInGoMod() {
        assertThat(kube.url()).startsWith("https://127.0.0.1:");
        assertThat(admin.getKubernetesVersion().getGitVersion()).isEqualTo("v1.37.2");
    }

    @Test
    void serverSideApplyRecordsTheFieldManagerAndEnforcesOwnership() {
        String ns = namespace("ssa");
        kube.createNamespace(ns, Map.of());
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata().withName("settings").withNamespace(ns).endMetadata()
                .addToData("mode", "drift-check")
                .build();

        ConfigMap applied = admin.configMaps().inNamespace(ns).resource(desired)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();

        assertThat(applied.getData()).containsEntry("mode", "drift-check");
        assertThat(applied.getMetadata().getManagedFields())
                .filteredOn(entry -> FIELD_MANAGER.equals(entry.getManager()))
                .singleElement()
                .satisfies(entry -> {
                    assertThat(entry.getOperation()).isEqualTo("Apply");
                    assertThat(fieldsOf(entry)).contains("f:data").contains("f:mode");
                });

        // Another manager changing a field we own without force is a conflict: the server
        // tracks ownership, which a CRUD mock cannot.
        ConfigMap competing = new ConfigMapBuilder(desired).withData(Map.of("mode", "apply")).build();
        PatchContext otherManager = new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager("someone-else")
                .withForce(false)
                .build();
        assertThatThrownBy(() -> admin.configMaps().inNamespace(ns).withName("settings")
                .patch(otherManager, competing))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("conflict").contains(FIELD_MANAGER);
                });

        // Re-applying is idempotent for the owner: nothing changes, so the version stays.
        ConfigMap again = admin.configMaps().inNamespace(ns).resource(desired)
                .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        assertThat(again.getMetadata().getResourceVersion()).isEqualTo(applied.getMetadata().getResourceVersion());
    }

    @Test
    void rbacDecidesSubjectAccessReviewsAndImpersonatedRequests() throws Exception {
        String ns = namespace("rbac");
        String user = "alice-" + suffix();
        kube.createNamespace(ns, Map.of());

        assertThat(canCreatePods(user, ns)).as("user without bindings").isFalse();
        try (KubernetesClient alice = kube.clientAs(user)) {
            assertThatThrownBy(() -> alice.pods().inNamespace(ns).resource(pod("by-alice", false)).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));

            String role = "qualisys-test-pod-creator-" + suffix();
            admin.rbac().clusterRoles().resource(new ClusterRoleBuilder()
                    .withNewMetadata().withName(role).endMetadata()
                    .addNewRule().withApiGroups("").withResources("pods").withVerbs("create").endRule()
                    .build()).create();
            admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
                    .withNewMetadata().withName("alice-creates-pods").withNamespace(ns).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role).endRoleRef()
                    .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
                    .build()).create();

            // The RBAC authorizer reads bindings through an informer: allow it a moment.
            assertThat(eventually(Duration.ofSeconds(15), () -> canCreatePods(user, ns)))
                    .as("user bound to a ClusterRole with create pods").isTrue();
            assertThat(canCreatePods(user, "default")).as("the RoleBinding is namespaced").isFalse();
            Pod created = alice.pods().inNamespace(ns).resource(pod("by-alice", false)).create();
            assertThat(created.getMetadata().getUid()).isNotBlank();
        }
    }

    @Test
    void podSecurityRestrictedRejectsAPrivilegedPod() {
        String ns = namespace("psa-restricted");
        kube.createNamespace(ns, Map.of("pod-security.kubernetes.io/enforce", "restricted"));

        assertThatThrownBy(() -> admin.pods().inNamespace(ns).resource(pod("privileged", true)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage())
                            .contains("violates PodSecurity \"restricted:latest\"")
                            .contains("privileged");
                });
        assertThat(admin.pods().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void podSecurityBaselineAdmitsWithARestrictedWarning() throws Exception {
        String ns = namespace("psa-baseline");
        kube.createNamespace(ns, Map.of(
                "pod-security.kubernetes.io/enforce", "baseline",
                "pod-security.kubernetes.io/warn", "restricted"));

        // fabric8 only logs Warning headers, so read them from a raw request on the same
        // client's HTTP stack (same token, same TLS trust).
        HttpClient http = admin.getHttpClient();
        HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
                        .uri(kube.url() + "/api/v1/namespaces/" + ns + "/pods")
                        .post("application/json", Serialization.asJson(pod("baseline-only", false)))
                        .build(), String.class)
                .get(30, TimeUnit.SECONDS);

        assertThat(response.code()).as(response.body()).isEqualTo(201);
        assertThat(response.headers("Warning")).map(KubeApiServerTest::warningText)
                .singleElement().asString()
                .contains("would violate PodSecurity \"restricted:latest\"")
                .contains("allowPrivilegeEscalation")
                .contains("runAsNonRoot");
        assertThat(admin.pods().inNamespace(ns).withName("baseline-only").get()).isNotNull();
    }

    // ---------------------------------------------------------------- helpers

    private static boolean canCreatePods(String user, String ns) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user)
                .withGroups("system:authenticated")
                .withNewResourceAttributes().withNamespace(ns).withVerb("create").withResource("pods").endResourceAttributes()
                .endSpec()
                .build();
        SubjectAccessReview answer = admin.authorization().v1().subjectAccessReview().create(review);
        return answer.getStatus().getAllowed();
    }

    /** A pod no kubelet will ever run; privileged or baseline-compliant (not restricted). */
    private static Pod pod(String name, boolean privileged) {
        return new PodBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.k8s.io/pause:3.10")
                .withNewSecurityContext().withPrivileged(privileged ? Boolean.TRUE : null).endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
    }

    /** The text of an RFC 7234 warning, {@code 299 - "text with \"escapes\""}, unquoted. */
    private static String warningText(String header) {
        int open = header.indexOf('"');
        int close = header.lastIndexOf('"');
        assertThat(open).as("quoted warning text in %s", header).isPositive().isLessThan(close);
        return header.substring(open + 1, close).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static String fieldsOf(ManagedFieldsEntry entry) {
        return Serialization.asJson(entry.getFieldsV1());
    }

    private static String namespace(String prefix) {
        return prefix + "-" + suffix();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @FunctionalInterface
    private interface Check {
        boolean holds();
    }

    private static boolean eventually(Duration timeout, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (check.holds()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }
}
