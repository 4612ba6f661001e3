package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.emulator.LocalAws;
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
                .contains("demo: no drift");
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
}
