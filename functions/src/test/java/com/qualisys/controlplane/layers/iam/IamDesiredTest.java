package com.qualisys.controlplane.layers.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed's role tables as desired state. Pure: no AWS. */
class IamDesiredTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static final List<DesiredResource> DESIRED = IamDesired.of(SPEC);

    private static DesiredResource role(String name) {
        return DESIRED.stream().filter(d -> d.logicalId().equals("iam/role/" + name)).findFirst().orElseThrow();
    }

    private static String trust(String role) {
        return PolicyDocument.toJson(role(role).attribute("assumeRolePolicy"));
    }

    @Test
    void sevenRolesAndSixPoliciesWithTheirLogicalIds() {
        assertThat(DESIRED).filteredOn(d -> d.kind().equals(IamDesired.ROLE)).extracting(DesiredResource::logicalId)
                .containsExactlyInAnyOrder("iam/role/QualisysDevOpsAdmin", "iam/role/QualisysDeveloper", "iam/role/QualisysCICD",
                        "iam/role/QualisysEKSService", "iam/role/QualisysRDSService", "iam/role/QualisysElastiCacheService",
                        "iam/role/QualisysECRService");
        assertThat(DESIRED).filteredOn(d -> d.kind().equals(IamDesired.POLICY)).hasSize(6);
    }

    @Test
    void humanRolesRequireMfaFromPrincipalsOfThisAccount() {
        for (String human : List.of("QualisysDevOpsAdmin", "QualisysDeveloper")) {
            assertThat(trust(human)).contains("\"AWS\":[\"arn:aws:iam::{{AccountId}}:root\"]")
                    .contains("\"Bool\":{\"aws:multifactorauthpresent\":[\"true\"]}");
        }
    }

    @Test
    void ciCdNeedsNoMfaAndItsSessionLastsOneHour() {
        assertThat(trust("QualisysCICD")).contains("arn:aws:iam::{{AccountId}}:root").doesNotContain("multifactor");
        assertThat(role("QualisysCICD").attribute("maxSessionSeconds")).isEqualTo(3600);
    }

    @Test
    void serviceRolesAreAssumedOnlyByTheirService() {
        Map<String, String> services = Map.of("QualisysEKSService", "eks.amazonaws.com", "QualisysRDSService", "rds.amazonaws.com",
                "QualisysElastiCacheService", "elasticache.amazonaws.com", "QualisysECRService", "ecr.amazonaws.com");
        services.forEach((role, service) -> assertThat(trust(role)).contains("\"Service\":[\"" + service + "\"]").doesNotContain("\"AWS\""));
    }

    @Test
    void attachmentsFollowTheSeedsPoliciesColumn() {
        assertThat(role("QualisysDevOpsAdmin").strings("managedPolicies")).containsExactly(
                "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess", "ref:iam/policy/QualisysMFAEnforcement");
        assertThat(role("QualisysDeveloper").strings("managedPolicies"))
                .containsExactly("ref:iam/policy/QualisysDeveloperPolicy", "ref:iam/policy/QualisysMFAEnforcement");
        assertThat(role("QualisysEKSService").strings("managedPolicies"))
                .containsExactly("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController");
        // A role is created after the policies it refers to.
        assertThat(role("QualisysDeveloper").dependsOn()).contains("iam/policy/QualisysDeveloperPolicy", "iam/policy/QualisysMFAEnforcement");
    }

    @Test
    void rolesHaveNoInlinePoliciesAndCarryTheirIdentityTags() {
        assertThat(role("QualisysCICD").strings("inlinePolicies")).isEmpty();
        assertThat(role("QualisysCICD").stringMap("tags")).containsEntry("qualisys:environment", "dev")
                .containsEntry("qualisys:logical-id", "iam/role/QualisysCICD")
                .containsEntry("qualisys:managed-by", "qualisys-control-plane");
    }
}
