package com.qualisys.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For test classes that handle secrets: captures all logging from the start, and at the end
 * fails the class if any captured line contains a watched secret or a URI with a password.
 */
public final class NoSecretsInLogs implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        LogCapture.install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertThat(LogCapture.lines()).as("captured log lines (a check over nothing proves nothing)").isNotEmpty();
        assertThat(LogCapture.watchedSecrets()).as("secrets watched").isPositive();
        LogCapture.assertNoSecretLeaked();
        System.out.printf("NoSecretsInLogs %s: %d captured lines, %d watched secrets, no leak%n",
                context.getDisplayName(), LogCapture.lines().size(), LogCapture.watchedSecrets());
    }
}
