package com.qualisys.controlplane.layers.kubernetes.helm;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the helm binary is: {@code QUALISYS_HELM} when set; in Lambda the layer that carries it
 * ({@code /opt/helm/helm}, where the CDK kubectl layer puts it); otherwise {@code helm} on PATH.
 */
public final class HelmBinary {
    public static final String ENV = "QUALISYS_HELM";
    public static final Path LAMBDA_LAYER = Path.of("/opt/helm/helm");

    private HelmBinary() {}

    public static Path locate() {
        return locate(System.getenv(), LAMBDA_LAYER);
    }

    static Path locate(Map<String, String> env, Path lambdaLayer) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p)) throw new IllegalStateException(ENV + "=" + configured + " is not an executable file");
            return p;
        }
        if (Files.isExecutable(lambdaLayer)) return lambdaLayer;
        return onPath(env.get("PATH")).orElseThrow(() -> new IllegalStateException(
                "helm is not installed: set " + ENV + " to a helm 3 binary or put helm on PATH "
                        + "(docs/kubernetes-layer.md says how to get one); in Lambda it comes from the layer at " + lambdaLayer));
    }

    private static Optional<Path> onPath(String path) {
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path candidate = Path.of(dir, "helm");
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }
}
