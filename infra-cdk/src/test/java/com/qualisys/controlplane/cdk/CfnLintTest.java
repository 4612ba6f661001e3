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
        List<String> findings = out.lines().filter(l -> !l.isBlank()).toList();
        assertThat(findings).as("cfn-lint said:\n" + out).isEmpty();
        // Exit code is a bit mask: 2 errors, 4 warnings, 8 informational. (A Succeed state with OutputPath trips
        // cfn-lint's Step Functions schema: the definitions end such branches with a Pass state and End instead.)
        assertThat(p.exitValue()).as("cfn-lint exit " + p.exitValue() + ":\n" + out).isZero();
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
