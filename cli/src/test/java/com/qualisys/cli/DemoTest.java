package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.layers.kubernetes.helm.VersionConstraint;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the whole mission on the local emulator, db-init included, in one run. */
class DemoTest {

    @Test
    void theDemoProvisionsEveryAwsLayerRunsDbInitAgainstARealPostgresAndEndsWithNoDrift(@TempDir Path reports) throws Exception {
        LocalAws.shared().reset();
        Cli.Result r = Cli.run("demo", "--reports", reports.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out())
                .contains("RunDbInit")
                .contains("demo: app_user NOSUPERUSER NOBYPASSRLS")
                .contains("check passed: app_user does not bypass RLS")
                .contains("check passed: FORCE ROW LEVEL SECURITY filters the table owner too")
                .contains("demo: no drift")
                .contains("the kubernetes layer runs with ./qualisys demo --kubernetes");
        // The summary table: a row per layer with its resources, the changes applied and no drift after.
        for (String layer : DemoCommand.DEMO_LAYERS) {
            Matcher row = Pattern.compile("(?m)^" + layer + "\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+[\\d.]+ s$").matcher(r.out());
            assertThat(row.find()).as("summary row of %s in%n%s", layer, r.out()).isTrue();
            assertThat(Integer.parseInt(row.group(1))).as("%s resources", layer).isPositive();
            assertThat(row.group(3)).as("%s drift after", layer).isEqualTo("0");
        }
        JsonNode report = new ObjectMapper().readTree(Files.readString(reports.resolve("dev/latest.json")));
        assertThat(report.path("changes").asInt()).isZero();
    }

    @Test
    void withKubernetesTheLayerRunsAgainstALocalApiServerThatAcceptsTheEksTokenAndEndsWithNoDrift(@TempDir Path reports) throws Exception {
        LocalAws.shared().reset();
        Cli.Result r = Cli.run("demo", "--kubernetes", "--reports", reports.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        EnvironmentSpec spec = SpecLoader.standard().load("dev");
        assertThat(r.out()).contains("demo: no drift").contains("demo: app_user NOSUPERUSER NOBYPASSRLS")
                .contains("accepts the control plane's EKS token");
        Matcher row = Pattern.compile("(?m)^kubernetes\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+[\\d.]+ s$").matcher(r.out());
        assertThat(row.find()).as("kubernetes summary row in%n%s", r.out()).isTrue();
        assertThat(Integer.parseInt(row.group(2))).as("kubernetes changes applied").isPositive();
        assertThat(row.group(3)).as("kubernetes drift after").isEqualTo("0");
        // What the cluster holds, read back from the API server: every namespace with its level and quota, RBAC, the releases.
        spec.kubernetes().namespaces().forEach((name, ns) -> assertThat(r.out())
                .contains("demo:   namespace " + name + ": pod-security enforce=" + ns.enforce() + ", quota {"));
        assertThat(r.out()).doesNotContain(": missing").doesNotContain("not installed").containsPattern("RBAC: [1-9]\\d* cluster role")
                .containsPattern("aws-auth maps [1-9]\\d* IAM role");
        for (var c : spec.kubernetes().components()) {
            String lowest = VersionConstraint.parse(c.version()).lower().toString();
            assertThat(r.out()).as("the newest stand-in inside %s", c.version()).contains("release " + c.namespace() + "/" + c.name()
                    + " (" + c.version() + "): " + c.chart() + "-" + lowest);
        }
        JsonNode report = new ObjectMapper().readTree(Files.readString(reports.resolve("dev/latest.json")));
        assertThat(report.path("changes").asInt()).isZero();
        assertThat(report.path("layers").findValuesAsText("layer")).contains("kubernetes");
    }
}
