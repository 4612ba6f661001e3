package com.qualisys.controlplane.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Locates the repository root (the folder with environments/defaults.yaml) from any module. */
public final class RepoPaths {
    private RepoPaths() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("environments/defaults.yaml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (environments/defaults.yaml) above "
                + Path.of("").toAbsolutePath());
    }

    public static Path cache() {
        return root().resolve(".cache");
    }

    /**
     * A tool built by its script, {@code scripts/ensure-<name>.sh}, which builds it on first use and prints its path as its
     * last line ({@code <name>: <path>}); the script's progress goes to this process's stderr. Fails if it cannot be built.
     */
    public static Path ensuredTool(String name) {
        String script = "scripts/ensure-" + name + ".sh";
        try {
            Process p = new ProcessBuilder("bash", root().resolve(script).toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String last = out.substring(out.lastIndexOf('\n') + 1);
            if (p.waitFor() != 0 || !last.startsWith(name + ": ")) throw new IllegalStateException(script + " failed: " + out);
            return Path.of(last.substring((name + ": ").length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Copies the repository's environments/ (specs and policy documents) into {@code to}, for a test to edit; returns {@code to}. */
    public static Path copyOfEnvironments(Path to) throws IOException {
        return copyTree(root().resolve("environments"), to);
    }

    /** Copies the directory from, with all it holds, to {@code to} (which must not hold those files yet); returns {@code to}. */
    public static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) Files.createDirectories(target);
                else Files.copy(file, target);
            }
        }
        return to;
    }
}
