package com.qualisys.controlplane.cdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python linters of requirements-lint.txt (checkov, parliament), installed by
 * scripts/prepare-test-env into .cache/lint-venv, apart from the emulator's venv so that their
 * pinned dependencies never move moto's.
 */
final class StaticChecks {
    private StaticChecks() {}

    static Path tool(String name) {
        Path tool = TestStacks.REPO.resolve(".cache/lint-venv/bin").resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException(tool + " is missing: requirements-lint.txt pins it and scripts/prepare-test-env"
                    + " installs it (run ./scripts/prepare-test-env)");
        }
        return tool;
    }

    /** Runs a tool offline (no telemetry, no downloads) and returns its standard output. */
    static String run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish in 10 minutes");
        }
        return out;
    }
}
