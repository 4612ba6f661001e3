package com.qualisys.controlplane.permissions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Says which test classes the permission record covers: each test JVM appends, to
 * {@code target/iam-calls/classes-<pid>.txt} beside its calls, every test class it ran to the end and
 * how it ended. The least-privilege check reads it to tell the whole suite's record from a partial
 * run's, whose unexercised grants are only the skipped tests' grants. Registered for every engine
 * (Jupiter and jqwik) in {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class RecordedTestClasses implements TestExecutionListener {
    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        // A class's container ends SUCCESSFUL even when some of its tests failed: a failed test marks its class too.
        String className = switch (identifier.getSource().orElse(null)) {
            case ClassSource c -> c.getClassName();
            case MethodSource m when result.getStatus() != TestExecutionResult.Status.SUCCESSFUL -> m.getClassName();
            case null, default -> null;
        };
        if (className == null) return;
        String line = className + " " + result.getStatus() + "\n";
        synchronized (RecordedTestClasses.class) {
            try {
                Files.createDirectories(PermissionRecorder.DIRECTORY);
                Files.writeString(PermissionRecorder.DIRECTORY.resolve("classes-" + ProcessHandle.current().pid() + ".txt"), line,
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot note the test class in " + PermissionRecorder.DIRECTORY, e);
            }
        }
    }
}
