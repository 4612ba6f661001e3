package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The account, iam, monitoring and state sections: the seed's values, and clear errors for bad ones. */
class FoundationSpecTest {

    /** The repo's environments with one file's text rewritten. */
    private static SpecLoader editing(String file, UnaryOperator<String> edit) {
        SpecLoader repo = TestSpecs.loader();
        SpecLoader.Source base = new SpecLoader.Source() {
            public Optional<String> read(String relativePath) {
                try {
                    var p = RepoPaths.root().resolve("environments").resolve(relativePath);
                    Optional<String> text = java.nio.file.Files.isRegularFile(p) ? Optional.of(java.nio.file.Files.readString(p)) : Optional.empty();
                    return relativePath.equals(file) ? text.map(edit) : text;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            public List<String> environmentNames() {
                return repo.environmentNames();
            }

            public String displayRoot() {
                return "environments";
            }
        };
        return new SpecLoader(base);
    }

    @Test
    void theSeedsCostMonitoringAndAuditValues() {
        MonitoringSpec m = TestSpecs.load("production").monitoring();
        assertThat(m.budgets()).extracting(b -> b.limitUsd().intValue()).containsExactly(500, 1000, 2000);
        assertThat(m.budgets()).allSatisfy(b -> {
            assertThat(b.actualAlertPercents()).containsExactly(80, 100);
            assertThat(b.forecastedAlertPercents()).containsExactly(150);
        });
        assertThat(m.anomalyDetection().impactThresholdUsd().intValue()).isEqualTo(50);
        assertThat(m.anomalyDetection().digestFrequency()).isEqualTo("DAILY");
        assertThat(m.cloudTrail().trailName()).isEqualTo("qualisys-management-trail");
        assertThat(m.cloudTrail().bucket()).isEqualTo("qualisys-cloudtrail-logs");
        assertThat(m.cloudTrail().logRetentionDays()).isEqualTo(90);
    }

    @Test
    void namesThatAreUniqueAcrossAwsDifferPerEnvironmentAccount() {
        // Account aliases and S3 bucket names are global: each environment's account needs its own.
        List<EnvironmentSpec> all = List.of(TestSpecs.load("dev"), TestSpecs.load("staging"), TestSpecs.load("production"));
        assertThat(all).extracting(s -> s.account().alias()).doesNotHaveDuplicates();
        assertThat(all).extracting(s -> s.monitoring().cloudTrail().bucket()).doesNotHaveDuplicates();
    }

    @Test
    void anImmediateDigestIsRejectedBecauseAwsMailsOnlyDailyOrWeeklyDigests() {
        SpecLoader loader = editing("dev.yaml", y -> y.replace("monitoring:\n", "monitoring:\n  anomalyDetection:\n    digestFrequency: IMMEDIATE\n"));
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining("environments/dev.yaml: monitoring.anomalyDetection.digestFrequency IMMEDIATE must be one of");
    }

    @Test
    void aHumanRoleWithoutMfaIsRejected() {
        SpecLoader loader = editing("defaults.yaml", y -> y.replaceFirst("type: human\n      mfaRequired: true", "type: human\n      mfaRequired: false"));
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining("environments/defaults.yaml: iam.roles[0].mfaRequired false must be true: human roles are assumed only with MFA");
    }

    @Test
    void aRoleThatNamesAnUndefinedPolicyIsRejected() {
        SpecLoader loader = editing("defaults.yaml", y -> y.replace("customerManagedPolicies: [QualisysCICDPolicy]", "customerManagedPolicies: [QualisysCICDPolicyy]"));
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining("iam.roles[2].customerManagedPolicies[0] QualisysCICDPolicyy is not a policy defined in iam.policies");
    }
}
