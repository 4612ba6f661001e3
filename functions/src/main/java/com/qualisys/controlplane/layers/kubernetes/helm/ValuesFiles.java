package com.qualisys.controlplane.layers.kubernetes.helm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds a component's values file (a repository path such as
 * {@code kubernetes/metrics-server/values.yaml}): under {@code QUALISYS_REPO_DIR} when set, else
 * in the working directory or one of its parents (a checkout), else on the classpath (the
 * Lambda jar carries {@code kubernetes/} as it carries {@code environments/}), copied to a file.
 */
public final class ValuesFiles {
    public static final String ENV = "QUALISYS_REPO_DIR";

    private ValuesFiles() {}

    public static Path locate(String relativePath) {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured).resolve(relativePath);
            if (Files.isRegularFile(p)) return p;
            throw new IllegalStateException("values file " + relativePath + " is not in " + ENV + "=" + configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relativePath);
            if (Files.isRegularFile(p)) return p;
        }
        try (InputStream in = ValuesFiles.class.getResourceAsStream("/" + relativePath)) {
            if (in == null) throw new IllegalStateException("values file " + relativePath + " is neither in the checkout nor in the jar");
            Path copy = Files.createTempFile("qualisys-values-", ".yaml");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
