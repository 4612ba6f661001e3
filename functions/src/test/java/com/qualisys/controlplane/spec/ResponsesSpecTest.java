package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.events.security.SecurityClass;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The responses section: security policy per class, the control plane's own principal, ladder alert types. */
class ResponsesSpecTest {

    @Test
    void theSpecsSecurityClassesAreTheClassifiersClasses() {
        assertThat(SpecValidator.SECURITY_CLASSES)
                .isEqualTo(Arrays.stream(SecurityClass.values()).map(SecurityClass::key).collect(Collectors.toSet()));
    }

    @Test
    void defaultsIgnoreTheControlPlanesOwnRoleAndNotifyOnAccessKeys() {
        ResponsesSpec r = TestSpecs.load("dev").responses();
        assertThat(r.controlPlaneRolePath()).isEqualTo("/control-plane/");
        assertThat(r.security()).containsEntry("access-keys", "notify");
        assertThat(TestSpecs.load("production").responses().autoRemediate()).isFalse();
    }

    @Test
    void anUnknownClassAndAnUnknownPolicyAreRejectedNamingFilePathAndValue() {
        assertThatThrownBy(() -> loadDevWith("""
                responses:
                  security:
                    audit-logs: remediate
                    iam: fix
                """))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("environments/dev.yaml: responses.security.audit-logs audit-logs is not a security class")
                .hasMessageContaining("environments/dev.yaml: responses.security.iam fix must be one of remediate, check, notify");
    }

    @Test
    void aLadderStepForAnUnknownAlertTypeIsRejected() {
        assertThatThrownBy(() -> loadDevWith("""
                responses:
                  budgetLadder:
                    - { atPercent: 90, alertType: PREDICTED, actions: [notify] }
                """))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("environments/dev.yaml: responses.budgetLadder[0].alertType PREDICTED must be ACTUAL or FORECASTED");
    }

    private static EnvironmentSpec loadDevWith(String extraYaml) {
        SpecLoader.Source repo = new SpecLoader.Source() {
            final SpecLoader.Source files = filesOf();

            public Optional<String> read(String relativePath) {
                Optional<String> text = files.read(relativePath);
                return relativePath.equals("dev.yaml") ? text.map(t -> t + "\n" + extraYaml) : text;
            }

            public List<String> environmentNames() {
                return files.environmentNames();
            }

            public String displayRoot() {
                return "environments";
            }
        };
        return new SpecLoader(repo).load("dev");
    }

    private static SpecLoader.Source filesOf() {
        java.nio.file.Path dir = RepoPaths.root().resolve("environments");
        return new SpecLoader.Source() {
            public Optional<String> read(String relativePath) {
                java.nio.file.Path p = dir.resolve(relativePath);
                try {
                    return java.nio.file.Files.isRegularFile(p) ? Optional.of(java.nio.file.Files.readString(p)) : Optional.empty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            public List<String> environmentNames() {
                return List.of("dev", "staging", "production");
            }

            public String displayRoot() {
                return "environments";
            }
        };
    }
}
