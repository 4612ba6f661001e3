package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CRIU, checkpoint/restore in user space, for {@link ColdStartBenchmark}'s restored mode: a primed function's JVM is
 * checkpointed to image files and restored from them, as a CRaC JVM's checkpoint and restore do (they use CRIU).
 * Lambda's SnapStart restores a Firecracker microVM snapshot instead, which this machine cannot take of itself.
 * The binary is the one {@code scripts/ensure-criu.sh} builds; dumping and restoring need root.
 */
final class Criu {
    private static final long TIMEOUT_SECONDS = 60;
    private final Path binary;

    private Criu(Path binary) {
        this.binary = binary;
    }

    /** Builds CRIU if needed ({@code scripts/ensure-criu.sh}); fails, saying why, where it cannot. */
    static Criu ensure() {
        return new Criu(RepoPaths.ensuredTool("criu"));
    }

    /** Checkpoints the process (and kills it, as a snapshot ends the instance it was taken of) into {@code images}. */
    void dump(long pid, Path images) {
        recreate(images);
        // --shell-job: the process shares the benchmark's session, which is not dumped with it.
        run(List.of(binary.toString(), "dump", "-t", Long.toString(pid), "-D", images.toString(), "--shell-job", "-o", "dump.log", "-v2"),
                images.resolve("dump.log"));
    }

    /**
     * Restores the checkpointed process from {@code images} and returns once it runs again (detached: it is no child of
     * ours). It gets its pid back, so the process restored before must have ended.
     */
    void restore(Path images, String logName) {
        run(List.of(binary.toString(), "restore", "-D", images.toString(), "--shell-job", "-d", "-o", logName, "-v2"), images.resolve(logName));
    }

    private static void recreate(Path dir) {
        try {
            ColdStartBenchmark.deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no end after " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                List<String> why = new ArrayList<>(List.of(text.strip()));
                if (Files.isRegularFile(log)) {
                    why.add(Files.readAllLines(log).stream().filter(l -> l.startsWith("Error")).reduce((a, b) -> a + "\n" + b).orElse(""));
                }
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + String.join("\n", why).strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
