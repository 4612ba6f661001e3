package com.qualisys.asl;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every ASL definition is checked by the real validator, the {@code asl-validator} npm package
 * pinned in statemachines/package.json: the deployed definitions (statemachines/*.asl.json) and
 * the runner's test fixtures (asl-runner/src/test/resources/asl/). Two more sets keep the runner honest
 * against it: definitions both must reject (asl-invalid/) and valid ones the runner declines
 * (asl-unsupported/). Node.js and npm are required: their absence fails this test, it never skips.
 */
class AslValidatorTest {
    private static final long NPM_CI_MINUTES = 5;
    private static final long VALIDATE_MINUTES = 2;

    private static Path root;
    private static Path statemachines;
    private static Path validator;

    private record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void installValidator() throws Exception {
        root = repositoryRoot();
        statemachines = root.resolve("statemachines");
        Run node = run(statemachines, List.of("node", "--version"), 1);
        Run npm = run(statemachines, List.of("npm", "--version"), 1);
        assertThat(node.exitCode()).as("node --version: %s", node.output()).isZero();
        assertThat(npm.exitCode()).as("npm --version: %s", npm.output()).isZero();
        validator = statemachines.resolve("node_modules/asl-validator/dist/bin/asl-validator.js");
        if (!Files.exists(validator)) {
            Run ci = run(statemachines, List.of("npm", "ci", "--no-audit", "--no-fund"), NPM_CI_MINUTES);
            assertThat(ci.exitCode()).as("npm ci in %s failed:%n%s", statemachines, ci.output()).isZero();
        }
        assertThat(validator).as("npm ci installed asl-validator").exists();
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("statemachines/package.json"))) {
                return dir;
            }
        }
        throw new AssertionError("no statemachines/package.json above " + Path.of("").toAbsolutePath());
    }

    private static Run run(Path dir, List<String> command, long timeoutMinutes) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + " (" + e.getMessage()
                    + "): Node.js 20+ and npm are required to validate the ASL definitions", e);
        }
        String output;
        try {
            p.getOutputStream().close();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read the output of " + String.join(" ", command), e);
        }
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutMinutes + " min");
        }
        return new Run(p.exitValue(), output.strip());
    }

    private static Run validate(List<Path> files) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", validator.toString()));
        for (Path f : files) {
            command.add("--json-path");
            command.add(f.toString());
        }
        return run(root, command, VALIDATE_MINUTES);
    }

    private static List<Path> definitions(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".asl.json")).sorted().toList();
        }
    }

    private static Path testResources(String dir) {
        return root.resolve("asl-runner/src/test/resources").resolve(dir);
    }

    @Test
    void everyDeployedDefinitionAndEveryFixtureIsValid() throws Exception {
        List<Path> files = new ArrayList<>(definitions(statemachines));
        List<Path> fixtures = definitions(testResources("asl"));
        assertThat(fixtures).as("the runner's fixtures").hasSizeGreaterThanOrEqualTo(6);
        files.addAll(fixtures);

        Run r = validate(files);
        if (r.exitCode() != 0) {
            fail("asl-validator rejects a definition:%n%s", r.output());
        }
        for (Path f : files) {
            assertThat(r.output()).as("validator output").contains("\"" + f + "\" is valid");
        }
    }

    @Test
    void everyDeployedDefinitionIsAlsoAcceptedByTheLocalRunner() throws Exception {
        // Placeholders (${...}) stay literal here: what matters is that the runner supports every
        // feature the deployed definitions use, so that `qualisys run` can execute them.
        for (Path f : definitions(statemachines)) {
            try {
                StateMachineDefinition.parse(Files.readString(f));
            } catch (AslDefinitionException e) {
                fail("%s: %s", f, e.getMessage());
            }
        }
    }

    @Test
    void theValidatorAndTheRunnerBothRejectTheInvalidDefinitions() throws Exception {
        List<Path> invalid = definitions(testResources("asl-invalid"));
        assertThat(invalid).isNotEmpty();
        for (Path f : invalid) {
            Run r = validate(List.of(f));
            assertThat(r.exitCode()).as("asl-validator on %s:%n%s", f, r.output()).isNotZero();
            assertThat(r.output()).contains("is invalid");
            assertThatThrownBy(() -> StateMachineDefinition.parse(Files.readString(f)))
                    .as("the runner on %s", f).isInstanceOf(AslDefinitionException.class);
        }
    }

    @Test
    void whatTheRunnerDeclinesIsValidAslThatItNamesAsUnsupported() throws Exception {
        List<Path> unsupported = definitions(testResources("asl-unsupported"));
        assertThat(unsupported).isNotEmpty();
        Run r = validate(unsupported);
        assertThat(r.exitCode()).as("asl-validator:%n%s", r.output()).isZero();
        for (Path f : unsupported) {
            assertThatThrownBy(() -> StateMachineDefinition.parse(Files.readString(f)))
                    .as("the runner on %s", f).isInstanceOf(AslDefinitionException.class)
                    .hasMessageContaining("is not supported by the local runner");
        }
    }
}
