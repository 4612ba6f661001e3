package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.CliProcess;
import com.qualisys.cli.testing.CliProcess.Exit;
import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code qualisys} script relies on before the CLI's own code runs: the JVM options file it hands to
 * java ({@code cli/jvm.options}), and the JDK version check of {@code scripts/java-env.sh}, which reads the
 * JDK's release file instead of starting a JVM to ask.
 */
class LauncherTest {
    private static final Path ROOT = RepoPaths.root();

    @Test
    void theCliStartsWithTheJvmOptionsFileAndSaysNothingOnStderr() throws Exception {
        Exit exit = cliWith(ROOT.resolve("cli/jvm.options"), "validate", "--env", "dev");

        assertThat(exit.code()).as(exit.stderr()).isZero();
        assertThat(exit.stdout()).isEqualTo("dev: valid\n");
        assertThat(exit.stderr()).isEmpty();
    }

    @Test
    void aJvmOptionsFileTheJvmRefusesStopsTheLaunch_soTheTestAboveReadsTheFile(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("jvm.options");
        Files.writeString(broken, Files.readString(ROOT.resolve("cli/jvm.options")) + "-XX:+NoSuchQualisysOption\n");

        Exit exit = cliWith(broken, "validate", "--env", "dev");

        assertThat(exit.code()).isNotZero();
        assertThat(exit.stderr()).contains("NoSuchQualisysOption");
    }

    @Test
    void javaEnvKnowsTheRunningJdksVersion() throws Exception {
        assertThat(javaMajor(Path.of(System.getProperty("java.home")))).isEqualTo(String.valueOf(Runtime.version().feature()));
    }

    @Test
    void javaEnvReadsTheVersionFromTheReleaseFileWithoutStartingTheJdk(@TempDir Path tmp) throws Exception {
        Path jdk = fakeJdk(tmp.resolve("jdk"), "exit 97");
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"23.0.2\"\n");

        assertThat(javaMajor(jdk)).isEqualTo("23");
    }

    @Test
    void javaEnvAsksAJdkWithoutAReleaseFile(@TempDir Path tmp) throws Exception {
        Path jdk = fakeJdk(tmp.resolve("jdk"), "echo '    java.specification.version = 22' >&2");

        assertThat(javaMajor(jdk)).isEqualTo("22");
    }

    private static Exit cliWith(Path jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(CliProcess.java(),
                "@" + jvmOptions, "-cp", System.getProperty("java.class.path"), QualisysCli.class.getName()));
        command.addAll(List.of(args));
        return CliProcess.run(command);
    }

    private static String javaMajor(Path jdk) throws Exception {
        Exit exit = CliProcess.run(List.of("bash", "-c", "source scripts/java-env.sh && qualisys_java_major \"$1\"", "bash", jdk.toString()));
        assertThat(exit.code()).as(exit.stderr()).isZero();
        return exit.stdout().strip();
    }

    /** A directory shaped like a JDK whose bin/java runs the given shell line (javac too, so java-env.sh accepts it). */
    private static Path fakeJdk(Path dir, String javaBody) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path script = dir.resolve("bin").resolve(tool);
            Files.writeString(script, "#!/bin/sh\n" + javaBody + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }
}
