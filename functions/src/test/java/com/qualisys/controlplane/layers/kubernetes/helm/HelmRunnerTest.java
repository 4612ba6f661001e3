package com.qualisys.controlplane.layers.kubernetes.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the runner hands the connection to the process it starts. The process here is a shell
 * script standing in for helm that reports what it was given: it proves the plumbing
 * (environment, not argv; no kubeconfig; private folders; redaction), not helm itself.
 */
class HelmRunnerTest {
    private static final String TOKEN = "k8s-aws-v1.c2VjcmV0LXRva2Vu";
    private static final HelmConnection CONNECTION = new HelmConnection("https://127.0.0.1:6443",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", TOKEN);

    @Test
    void theTokenGoesThroughTheEnvironmentNeverTheArguments(@TempDir Path dir) throws IOException {
        Path script = script(dir, """
                echo "args: $*"
                echo "server: $HELM_KUBEAPISERVER"
                echo "token-length: ${#HELM_KUBETOKEN}"
                echo "ca: $(head -1 "$HELM_KUBECAFILE")"
                echo "kubeconfig-exists: $(test -e "$KUBECONFIG" && echo yes || echo no)"
                echo "cache-private: $(stat -c %a "$(dirname "$HELM_CACHE_HOME")")"
                """);
        String out = HelmRunner.standard().run(List.of(script.toString(), "upgrade", "--install", "x", "x"), CONNECTION);

        assertThat(out).contains("args: upgrade --install x x")
                .contains("server: https://127.0.0.1:6443")
                .contains("token-length: " + TOKEN.length())
                .contains("ca: -----BEGIN CERTIFICATE-----")
                .contains("kubeconfig-exists: no")
                .contains("cache-private: 700")
                .doesNotContain(TOKEN);
        assertThat(CONNECTION.toString()).doesNotContain(TOKEN);
    }

    @Test
    void aFailureNamesTheCommandAndExitCodeAndHidesTheToken(@TempDir Path dir) throws IOException {
        Path script = script(dir, """
                echo "Error: UPGRADE FAILED: bearer $HELM_KUBETOKEN was refused" >&2
                exit 3
                """);
        assertThatThrownBy(() -> HelmRunner.standard().run(List.of(script.toString(), "upgrade", "--install", "metrics-server"), CONNECTION))
                .isInstanceOfSatisfying(HelmRunner.HelmException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
                .hasMessageContaining("upgrade --install metrics-server")
                .hasMessageContaining("exit 3")
                .hasMessageContaining("bearer <token> was refused")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void aHungProcessIsStoppedAtTheTimeout(@TempDir Path dir) throws IOException {
        Path script = script(dir, "exec sleep 30\n");
        assertThatThrownBy(() -> new HelmRunner(() -> script, Duration.ofMillis(300)).run(List.of(script.toString(), "upgrade"), CONNECTION))
                .hasMessageContaining("timed out");
    }

    private static Path script(Path dir, String body) throws IOException {
        Path file = dir.resolve("helm");
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
