package com.qualisys.controlplane.layers.kubernetes.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs a helm command line against one API server. The connection goes in through helm's
 * environment (HELM_KUBEAPISERVER, HELM_KUBECAFILE, HELM_KUBETOKEN), never the argument list,
 * which other users of the machine can read; helm's own folders go to a private temporary
 * directory (Lambda's only writable place is /tmp) and no kubeconfig is read. Output is kept
 * for the error message with the token removed, should helm ever print it.
 */
public final class HelmRunner {
    private static final int OUTPUT_TAIL_CHARS = 4000;
    private final Supplier<Path> binary;
    private final Duration timeout;

    public HelmRunner(Supplier<Path> binary, Duration timeout) {
        this.binary = binary;
        this.timeout = timeout;
    }

    /** helm from {@link HelmBinary#locate()}, looked up when first needed; 10 minutes per command. */
    public static HelmRunner standard() {
        return new HelmRunner(HelmBinary::locate, Duration.ofMinutes(10));
    }

    /** The helm executable this runner starts. */
    public Path binary() {
        return binary.get();
    }

    /** Runs the command; returns its output, or throws with the exit code and the output's tail. */
    public String run(List<String> command, HelmConnection connection) {
        Path home = null;
        try {
            home = Files.createTempDirectory("qualisys-helm-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Output goes to a file, so a process that hangs cannot block us past the timeout.
            Path log = home.resolve("output.log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            environment(pb.environment(), connection, home);
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new HelmException(command, -1, "timed out after " + timeout);
            }
            String output = redact(Files.readString(log, StandardCharsets.UTF_8), connection);
            if (process.exitValue() != 0) throw new HelmException(command, process.exitValue(), tail(output));
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while helm ran", e);
        } finally {
            if (home != null) deleteQuietly(home);
        }
    }

    static void environment(Map<String, String> env, HelmConnection connection, Path home) throws IOException {
        env.keySet().removeIf(k -> k.startsWith("HELM_") || k.equals("KUBECONFIG"));
        env.put("HELM_KUBEAPISERVER", connection.apiServer());
        env.put("HELM_KUBETOKEN", connection.token());
        if (connection.caPem() != null) {
            Path ca = home.resolve("ca.crt");
            Files.writeString(ca, connection.caPem());
            env.put("HELM_KUBECAFILE", ca.toString());
        }
        // A path that does not exist: client-go then reads no kubeconfig at all.
        env.put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
        env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
        env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
        env.put("HELM_DATA_HOME", home.resolve("data").toString());
        env.put("HOME", home.toString());
    }

    private static String redact(String output, HelmConnection connection) {
        return connection.token() == null ? output : output.replace(connection.token(), "<token>");
    }

    private static String tail(String output) {
        return output.length() <= OUTPUT_TAIL_CHARS ? output : "..." + output.substring(output.length() - OUTPUT_TAIL_CHARS);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }

    /** helm failed; the message names the release command (no secrets) and helm's output. */
    public static final class HelmException extends RuntimeException {
        private final int exitCode;

        HelmException(List<String> command, int exitCode, String output) {
            super("helm " + String.join(" ", command.subList(1, Math.min(command.size(), 5))) + " failed (exit " + exitCode + "): " + output.strip());
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }
}
