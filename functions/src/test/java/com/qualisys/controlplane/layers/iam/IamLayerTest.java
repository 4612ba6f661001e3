package com.qualisys.controlplane.layers.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.ApprovalRequiredException;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.LayerHarness;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IAM behaviour beyond create and repair: adoption, removal, policy version housekeeping. */
class IamLayerTest {
    private final EnvironmentSpec spec = TestSpecs.load("dev");

    @BeforeEach
    void emptyAccount() {
        MotoServer.shared().reset();
    }

    private Reconciler reconciler(AwsClients aws) {
        return new Reconciler(spec, aws, List.of(new IamLayer()));
    }

    @Test
    void aSeedRoleThatAlreadyExistsUntaggedIsAdoptedNotDuplicated() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            aws.iam().createRole(r -> r.roleName("QualisysEKSService").assumeRolePolicyDocument("""
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"""));
            Plan plan = reconciler(aws).plan("iam");
            Change eks = plan.changes().stream().filter(c -> c.logicalId().equals("iam/role/QualisysEKSService")).findFirst().orElseThrow();
            assertThat(eks.action()).isEqualTo(Action.UPDATE);
            assertThat(eks.differences()).extracting(d -> d.path()).contains("identity", "managedPolicies", "description")
                    .doesNotContain("assumeRolePolicy.Statement");
            assertThat(eks.differences()).contains(ObservedResource.IDENTITY_TAGS_REMOVED);
            reconciler(aws).apply("iam", false);
            assertThat(aws.iam().listRoleTags(r -> r.roleName("QualisysEKSService")).tags())
                    .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("qualisys:logical-id=iam/role/QualisysEKSService"));
            assertThat(reconciler(aws).plan("iam").isEmpty()).isTrue();
        }
    }

    @Test
    void aRoleWhoseIdentityTagsWereRemovedIsReportedAsSuchAndTaggedAgainNotDuplicated() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            reconciler(aws).apply("iam", false);
            int roles = aws.iam().listRoles().roles().size();
            aws.iam().untagRole(r -> r.roleName("QualisysDeveloper")
                    .tagKeys("qualisys:environment", "qualisys:logical-id", "qualisys:managed-by"));
            // Only one of them removed: the role no longer carries its identity either.
            aws.iam().untagRole(r -> r.roleName("QualisysCICD").tagKeys("qualisys:managed-by"));

            Plan drift = reconciler(aws).plan("iam");
            assertThat(drift.changes()).extracting(Change::logicalId)
                    .containsExactlyInAnyOrder("iam/role/QualisysDeveloper", "iam/role/QualisysCICD");
            for (Change c : drift.changes()) {
                assertThat(c.action()).isEqualTo(Action.UPDATE);
                assertThat(c.destructive()).isFalse();
                assertThat(c.differences()).containsExactly(ObservedResource.IDENTITY_TAGS_REMOVED);
            }
            assertThat(LayerHarness.rendered(drift)).contains("identity tags removed");

            aws.calls().reset();
            reconciler(aws).apply("iam", false);
            assertThat(aws.calls().mutatingByOperation()).containsExactlyEntriesOf(Map.of("Iam.TagRole", 2));
            assertThat(aws.iam().listRoles().roles()).hasSize(roles);
            for (String role : List.of("QualisysDeveloper", "QualisysCICD")) {
                assertThat(aws.iam().listRoleTags(r -> r.roleName(role)).tags()).extracting(t -> t.key() + "=" + t.value())
                        .contains("qualisys:environment=dev", "qualisys:logical-id=iam/role/" + role,
                                "qualisys:managed-by=qualisys-control-plane");
            }
            assertThat(reconciler(aws).plan("iam").isEmpty()).isTrue();
        }
    }

    @Test
    void aRoleThisEnvironmentCreatedButTheSpecNoLongerNamesIsDeleted() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            reconciler(aws).apply("iam", false);
            aws.iam().createRole(r -> r.roleName("QualisysRetired").assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                    .tags(t -> t.key("qualisys:environment").value("dev"), t -> t.key("qualisys:logical-id").value("iam/role/QualisysRetired"),
                            t -> t.key("qualisys:managed-by").value("qualisys-control-plane")));
            aws.iam().attachRolePolicy(r -> r.roleName("QualisysRetired").policyArn("arn:aws:iam::aws:policy/ReadOnlyAccess"));
            // Someone else's role, and another environment's, are not ours to delete.
            aws.iam().createRole(r -> r.roleName("SomeoneElses").assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
            aws.iam().createRole(r -> r.roleName("StagingOnly").assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                    .tags(t -> t.key("qualisys:environment").value("staging"), t -> t.key("qualisys:logical-id").value("iam/role/StagingOnly"),
                            t -> t.key("qualisys:managed-by").value("qualisys-control-plane")));

            Plan plan = reconciler(aws).plan("iam");
            assertThat(plan.changes()).singleElement().satisfies(c -> {
                assertThat(c.logicalId()).isEqualTo("iam/role/QualisysRetired");
                assertThat(c.action()).isEqualTo(Action.DELETE);
                assertThat(c.destructive()).isFalse();
            });
            reconciler(aws).apply("iam", false);
            assertThat(aws.iam().listRoles().roles()).extracting(r -> r.roleName()).doesNotContain("QualisysRetired")
                    .contains("SomeoneElses", "StagingOnly");
        }
    }

    @Test
    void aSeedPolicyFoundOutsideTheControlPlanesPathIsReplacedOnlyWithApprovalAndItsRolesKeepIt() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            reconciler(aws).apply("iam", false);
            String ours = "arn:aws:iam::123456789012:policy/qualisys/QualisysDeveloperPolicy";
            aws.iam().detachRolePolicy(r -> r.roleName("QualisysDeveloper").policyArn(ours));
            aws.iam().deletePolicy(r -> r.policyArn(ours));
            String foreign = aws.iam().createPolicy(r -> r.policyName("QualisysDeveloperPolicy").policyDocument(
                    spec.iam().policies().get(0).json())).policy().arn();
            aws.iam().attachRolePolicy(r -> r.roleName("QualisysDeveloper").policyArn(foreign));

            Plan plan = reconciler(aws).plan("iam");
            assertThat(plan.changes()).hasSize(2);
            assertThat(plan.changes().get(0)).satisfies(c -> {
                assertThat(c.action()).isEqualTo(Action.REPLACE);
                assertThat(c.destructive()).isTrue();
                assertThat(c.differences()).containsExactly(new com.qualisys.controlplane.engine.Difference("path", "/qualisys/", "/"));
            });
            // The replacement carries its dependent: the role that has the policy attached moves to the new one.
            assertThat(plan.changes().get(1)).satisfies(c -> {
                assertThat(c.logicalId()).isEqualTo("iam/role/QualisysDeveloper");
                assertThat(c.action()).isEqualTo(Action.UPDATE);
                assertThat(c.forcedBy()).containsExactly("iam/policy/QualisysDeveloperPolicy");
            });
            assertThatThrownBy(() -> reconciler(aws).apply("iam", false)).isInstanceOf(ApprovalRequiredException.class);
            reconciler(aws).apply("iam", true);
            assertThat(aws.iam().listAttachedRolePolicies(r -> r.roleName("QualisysDeveloper")).attachedPolicies())
                    .extracting(p -> p.policyArn()).contains(ours).doesNotContain(foreign);
            assertThat(reconciler(aws).plan("iam").isEmpty()).isTrue();
        }
    }

    @Test
    void aPolicyWithFiveVersionsLosesItsOldestBeforeTheRepairVersionIsAdded() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            reconciler(aws).apply("iam", false);
            String arn = "arn:aws:iam::123456789012:policy/qualisys/QualisysDeveloperPolicy";
            for (int i = 0; i < 4; i++) {
                int n = i;
                aws.iam().createPolicyVersion(r -> r.policyArn(arn).setAsDefault(true).policyDocument(
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::x" + n + "/*\"}]}"));
            }
            assertThat(aws.iam().listPolicyVersions(r -> r.policyArn(arn)).versions()).hasSize(5);
            reconciler(aws).apply("iam", false);
            var versions = aws.iam().listPolicyVersions(r -> r.policyArn(arn)).versions();
            assertThat(versions).hasSize(5).extracting(v -> v.versionId()).doesNotContain("v1");
            assertThat(reconciler(aws).plan("iam").isEmpty()).isTrue();
        }
    }
}
