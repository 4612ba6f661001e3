package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Environments checked against each other: accounts, the hub, names that would collide. */
class AccountPlacementTest {

    @Test
    void theRepositorysEnvironmentsEachHaveTheirOwnAccountAndOneHub() {
        List<EnvironmentSpec> all = TestSpecs.loader().environmentNames().stream().map(TestSpecs::load).toList();
        assertThat(all).extracting(s -> s.aws().accountId()).doesNotHaveDuplicates().doesNotContain(all.get(0).aws().hubAccountId());
        assertThat(AccountPlacement.check(all)).isEmpty();
    }

    @Test
    void twoEnvironmentsInOneAccountAreRejectedNamingBothAndWhatWouldCollide() {
        EnvironmentSpec dev = TestSpecs.load("dev");
        EnvironmentSpec staging = SpecVariant.of("staging", "aws:\n  accountId: \"" + dev.aws().accountId() + "\"\n");

        List<SpecError> errors = AccountPlacement.check(List.of(dev, staging));

        assertThat(errors).extracting(SpecError::toString).containsExactlyInAnyOrder(
                message("dev", "staging", dev.aws().accountId()), message("staging", "dev", dev.aws().accountId()));
        assertThat(errors.get(0).toString()).contains("IAM role QualisysDevOpsAdmin (iam.roles)");
    }

    private static String message(String env, String other, String account) {
        return "environments/" + env + ".yaml: aws.accountId " + account + " is also environment " + other
                + "'s account, and both would manage the same account alias (the account's one alias) (account.alias), IAM role"
                + " QualisysDevOpsAdmin (iam.roles), IAM role QualisysDeveloper (iam.roles), IAM role QualisysCICD (iam.roles),"
                + " IAM role QualisysEKSService (iam.roles) and " + (AccountPlacement.claims(TestSpecs.load("dev")).size() - 5)
                + " more: give each environment its own account (or distinct names)";
    }

    @Test
    void environmentsNamingDifferentHubsAreRejected() {
        EnvironmentSpec dev = TestSpecs.load("dev");
        EnvironmentSpec staging = SpecVariant.of("staging", "aws:\n  hubAccountId: \"999988887777\"\n");

        assertThat(AccountPlacement.check(List.of(dev, staging))).extracting(SpecError::toString).singleElement()
                .satisfies(m -> assertThat(m).contains("aws.hubAccountId", "999988887777 (staging)", dev.aws().hubAccountId() + " (dev)",
                        "one control plane has one hub account"));
    }

    @Test
    void anEnvironmentMayShareTheHubsAccountOnlyWhenItsFileSaysSo() {
        EnvironmentSpec shared = SpecVariant.of("dev", "aws:\n  accountId: \"111122223333\"\n  sharesHubAccount: true\n");
        assertThat(shared.aws().accountId()).isEqualTo(shared.aws().hubAccountId());
        assertThat(shared.aws().executionRoleArn())
                .isEqualTo("arn:aws:iam::111122223333:role/control-plane/qualisys-control-plane-execution");
    }

    @Test
    void environmentsNamingDifferentApproversAreRejected() {
        EnvironmentSpec dev = SpecVariant.of("dev", "aws:\n  approverRole: QualisysReleaseApprover\n");
        EnvironmentSpec staging = SpecVariant.of("staging", "aws:\n  approverRole: QualisysStagingApprover\n");

        assertThat(dev.aws().approverRoleArn()).isEqualTo("arn:aws:iam::" + dev.aws().hubAccountId() + ":role/QualisysReleaseApprover");
        assertThat(AccountPlacement.check(List.of(dev, staging))).extracting(SpecError::toString).singleElement()
                .satisfies(m -> assertThat(m).contains("aws.approverRole", "role/QualisysReleaseApprover", "role/QualisysStagingApprover",
                        "the control plane has one approver"));
    }

    @Test
    void anApproverThatIsNeitherARoleNameNorAHubRoleArnIsRejectedNamingTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecVariant.of("dev", "aws:\n  approverRole: \"arn:aws:iam::999988887777:role/Approver\"\n"))
                .hasMessageContaining("aws.approverRole")
                .hasMessageContaining("arn:aws:iam::999988887777:role/Approver")
                .hasMessageContaining("not in the hub account");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpecVariant.of("dev", "aws:\n  approverRole: \"release approver\"\n"))
                .hasMessageContaining("aws.approverRole release approver is neither an IAM role name");
    }
}
