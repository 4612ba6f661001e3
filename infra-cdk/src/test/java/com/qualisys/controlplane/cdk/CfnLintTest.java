package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * cfn-lint (pinned in requirements-test.txt, installed into .cache/venv with the emulator) on the
 * synthesized templates: CloudFormation's own resource schemas, not the CDK's idea of them.
 */
class CfnLintTest {
    /**
     * The one finding tolerated: cfn-lint 1.58.0's Step Functions schema has no InputPath/OutputPath on
     * Succeed states, which the Amazon States Language allows (the JSONPath form; its JSONata twin,
     * Output, was fixed in cfn-lint #4320). Matched to the exact rule, field and Succeed state.
     */
    static final java.util.regex.Pattern SUCCEED_PATHS = java.util.regex.Pattern.compile(
            ":E3601:Additional properties are not allowed \\('(InputPath|OutputPath)' was unexpected\\) at '.*States/([^/]+)/\\1'$");

    private static boolean knownFalsePositive(String finding) {
        java.util.regex.Matcher m = SUCCEED_PATHS.matcher(finding);
        return m.find() && succeedStates().contains(m.group(2));
    }

    /** Names of the Succeed states of the deployed definitions (top level, where the findings point). */
    private static java.util.Set<String> succeedStates() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (var d : TestStacks.definitionsUnderTest()) {
            try {
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(d.text()).path("States").fields().forEachRemaining(e -> {
                    if ("Succeed".equals(e.getValue().path("Type").asText())) names.add(e.getKey());
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return names;
    }

    static Path cfnLint() {
        Path venvBin = MotoServer.ensureInstalled().getParent();
        Path cfnLint = venvBin.resolve("cfn-lint");
        if (!Files.isExecutable(cfnLint)) {
            throw new IllegalStateException(cfnLint + " is missing: requirements-test.txt must pin cfn-lint"
                    + " (scripts/prepare-test-env installs it)");
        }
        return cfnLint;
    }

    private static void assertLintsClean(TestStacks.Synth synth) throws Exception {
        Path template = Path.of(synth.assembly().getStackByName(synth.stack().getStackName()).getTemplateFullPath());
        // W3005 only: the CDK writes DependsOn on a function's role next to the GetAtt of it (so the role's
        // policy is attached before the function is created); redundant for the role, harmless.
        Process p = new ProcessBuilder(cfnLint().toString(), "--regions", "us-east-1", "--format", "parseable",
                "--ignore-checks", "W3005", "--", template.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("cfn-lint finished").isTrue();
        List<String> findings = out.lines().filter(l -> !l.isBlank()).filter(l -> !knownFalsePositive(l)).toList();
        assertThat(findings).as("cfn-lint said:\n" + out).isEmpty();
        // Exit code is a bit mask: 2 errors, 4 warnings, 8 informational; only the known false positive may set it.
        assertThat(p.exitValue() == 0 || out.lines().filter(l -> !l.isBlank()).allMatch(CfnLintTest::knownFalsePositive))
                .as("cfn-lint exit " + p.exitValue() + ":\n" + out).isTrue();
    }

    @Test
    void thePhaseOneTemplatePassesCfnLint() throws Exception {
        assertLintsClean(TestStacks.phaseOne());
    }

    @Test
    void thePhaseTwoTemplatePassesCfnLint() throws Exception {
        assertLintsClean(TestStacks.phaseTwo());
    }

    @Test
    void thePhaseTwoTemplateWithTheSpecOwnedGroupPassesCfnLint() throws Exception {
        assertLintsClean(TestStacks.phaseTwoSpecOwned());
    }
}
