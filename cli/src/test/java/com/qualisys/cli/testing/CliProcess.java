package com.qualisys.cli.testing;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command in a process of its own from the repository's root, as a user's shell would (for the launch of the
 * CLI itself: its JVM options, its scripts, its shaded jar; {@link Cli} runs the command in-process). The process
 * inherits no AWS, QUALISYS or JVM-options variables from the test, gets this JVM's JDK as JAVA_HOME and an empty
 * stdin; its output goes to files, so neither stream can fill and stall it.
 */
public final class CliProcess {
    private static final long TIMEOUT_SECONDS = 120;

    private CliProcess() {}

    public record Exit(int code, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** This JVM's java launcher, for a child JVM of the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static Exit run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(RepoPaths.root().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.endsWith("JAVA_OPTIONS") || k.startsWith("QUALISYS_"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path stdout = Files.createTempFile("cli-stdout", ".txt");
        Path stderr = Files.createTempFile("cli-stderr", ".txt");
        try {
            Process p = pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("no end after " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new Exit(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
