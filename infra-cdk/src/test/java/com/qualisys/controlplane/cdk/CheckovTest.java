package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * checkov (PyPI, requirements-lint.txt) on the synthesized templates: every finding is fixed, or
 * skipped in the code that makes the resource with its reason ({@link Checkov#skip}).
 */
class CheckovTest {
    private static void assertNoFailures(TestStacks.Synth synth) throws Exception {
        assertNoFailures(Path.of(synth.assembly().getStackByName(synth.stack().getStackName()).getTemplateFullPath()),
                synth.stack().getStackName());
    }

    private static void assertNoFailures(Path template, String stackName) throws Exception {
        String out = StaticChecks.run(List.of(StaticChecks.tool("checkov").toString(), "-f", template.toString(),
                        "--framework", "cloudformation", "--skip-download", "--compact", "--quiet", "-o", "json"),
                Map.of("BC_SKIP_MAPPING", "TRUE", "CHECKOV_SKIP_DOWNLOAD", "TRUE", "ANSI_COLORS_DISABLED", "1"));
        JsonNode report = new ObjectMapper().readTree(out.isBlank() ? "{}" : out);
        JsonNode results = report.path("results");
        List<String> failed = new ArrayList<>();
        results.path("failed_checks").forEach(f -> failed.add(f.path("check_id").asText() + " " + f.path("resource").asText()
                + ": " + f.path("check_name").asText()));
        assertThat(report.path("summary").path("passed").asInt()).as("checkov ran and passed checks:\n" + out).isPositive();
        assertThat(failed).as("checkov failures (fix them, or Checkov.skip with the reason)").isEmpty();
        results.path("skipped_checks").forEach(s -> assertThat(s.path("check_result").path("suppress_comment").asText())
                .as("reason of the skipped " + s.path("check_id").asText() + " on " + s.path("resource").asText()).isNotBlank());
        System.out.println(stackName + ": checkov passed " + report.path("summary").path("passed").asInt()
                + ", skipped with reasons " + report.path("summary").path("skipped").asInt() + ", failed 0");
    }

    @Test
    void thePhaseOneTemplatePassesCheckov() throws Exception {
        assertNoFailures(TestStacks.phaseOne());
    }

    @Test
    void thePhaseTwoTemplatePassesCheckov() throws Exception {
        assertNoFailures(TestStacks.phaseTwo());
    }

    /** The spoke with the database functions (phase 2), in the environment's account. */
    @Test
    void thePhaseTwoSpokeTemplatePassesCheckov() throws Exception {
        assertNoFailures(TestStacks.phaseTwo().spokeTemplateFile(TestStacks.PROVISIONED),
                TestStacks.phaseTwo().spoke(TestStacks.PROVISIONED).getStackName());
    }
}
