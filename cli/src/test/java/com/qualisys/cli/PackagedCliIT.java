package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.CliProcess;
import com.qualisys.cli.testing.CliProcess.Exit;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.TestSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The qualisys command as users run it: the shaded {@code cli/target/qualisys.jar} with {@code cli/jvm.options}, in a JVM
 * of its own (failsafe runs this after the package phase; the other CLI tests run the command in-process, from the
 * classes). A shaded jar is its own thing to test: it once overwrote log4j-core's plugin cache with Powertools' one,
 * so the CLI's logging configuration never loaded and every command began with "main ERROR Reconfiguration failed"
 * (issue 16; {@code Log4j2PluginCacheFileTransformer} in {@code cli/pom.xml} merges the caches). stdout carries only the
 * command's answer, so {@code qualisys drift --format json | jq .} works; stderr carries progress, warnings and errors.
 */
class PackagedCliIT {
    private static final Path ROOT = RepoPaths.root();
    private static final Path JAR = ROOT.resolve("cli/target/qualisys.jar");
    /** Exactly one JSON document: anything printed after it (a log line) fails the parse, as it would fail jq. */
    private static final ObjectMapper ONE_DOCUMENT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @BeforeAll
    static void theJarIsBuilt() {
        assertThat(JAR).as("the package phase builds the shaded jar before this test").isRegularFile();
    }

    @Test
    void validatePrintsItsAnswerOnStdoutAndNothingOnStderr() throws Exception {
        Exit exit = qualisys("validate", "--env", "dev");

        assertThat(exit.code()).as(exit.toString()).isZero();
        assertThat(exit.stdout()).as(exit.toString()).isEqualTo("dev: valid\n");
        assertThat(exit.stderr()).as(exit.toString()).isEmpty();
    }

    @Test
    void driftFormatJsonIsOneJsonDocumentOnStdout_progressAloneOnStderr() throws Exception {
        LocalAws local = LocalAws.shared();
        local.reset();
        // Where drift stores its report; without it, a notice on stderr says the report was not stored.
        try (AwsClients hub = local.clients()) {
            hub.s3().createBucket(r -> r.bucket(TestSpecs.load("dev").reportBucket()));
        }

        Exit exit = qualisys("drift", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--format", "json",
                "--skip-layer", "kubernetes");

        assertThat(exit.code()).as("an empty account drifts from the spec: " + exit).isEqualTo(2);
        JsonNode report = ONE_DOCUMENT.readTree(exit.stdout());
        assertThat(report.get("environment").asText()).isEqualTo("dev");
        assertThat(report.get("layers")).as(exit.toString()).hasSize(6);
        // A layer as it starts ("[1/6] account: checking...") and as it ends ("      account: 1 drifted resource(s) (0.1 s)"),
        // then where the report went.
        List<String> stderr = exit.stderr().lines().toList();
        assertThat(stderr).as("progress lines only, no log line: " + exit).hasSize(13);
        assertThat(stderr.subList(0, 12)).as(exit.toString())
                .allMatch(line -> line.matches("\\[\\d/6] \\w+: checking\\.\\.\\.|      \\w+: .+ \\(.+\\)"));
        assertThat(stderr.get(12)).startsWith("report stored: s3://");
    }

    @Test
    void anErrorIsOneLineOnStderrAndStdoutStaysEmpty() throws Exception {
        Exit exit = qualisys("drift", "--env", "no-such-env", "--format", "json");

        assertThat(exit.code()).as(exit.toString()).isEqualTo(1);
        assertThat(exit.stdout()).as(exit.toString()).isEmpty();
        assertThat(exit.stderr().lines().toList()).as(exit.toString()).hasSize(1)
                .allMatch(line -> line.startsWith("error: ") && line.contains("no-such-env"));
    }

    private static Exit qualisys(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CliProcess.java(), "@" + ROOT.resolve("cli/jvm.options"), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return CliProcess.run(command);
    }
}
