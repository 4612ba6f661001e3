package com.qualisys.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The leak check can fail: a planted secret is found in every kind of captured line. */
class LogCaptureTest {

    @Test
    void aSecretInAnSlf4jLineAJulLineOrAnExceptionIsFound() {
        LogCapture.install();
        String planted = "Planted" + Postgres15.randomPassword();
        LogCapture.watch(planted);

        String unwatched = planted.toLowerCase();
        try {
            LoggerFactory.getLogger("com.qualisys.controlplane.database.Example").debug("connecting with {}", planted);
            java.util.logging.Logger.getLogger("org.postgresql.Driver").finest("password " + planted);
            LoggerFactory.getLogger("x").info("uri postgresql://app_user:{}@db:5432/qualisys_master", unwatched);

            assertThat(LogCapture.leaks(LogCapture.lines()))
                    .anyMatch(l -> l.startsWith("com.qualisys.controlplane.database.Example DEBUG connecting with <SECRET Pl...>"))
                    .anyMatch(l -> l.startsWith("org.postgresql.Driver FINEST password <SECRET Pl...>"))
                    .anyMatch(l -> l.contains("postgresql://app_user:" + unwatched + "@"))
                    .noneMatch(l -> l.contains(planted));
            assertThatThrownBy(() -> LogCapture.assertNoSecretIn(new IllegalStateException("wrapper", new RuntimeException(planted))))
                    .hasMessageStartingWith("an exception message contains a secret");
        } finally {
            LogCapture.discard(planted);
            LogCapture.discard(unwatched);
        }
        assertThat(LogCapture.leaks(LogCapture.lines())).isEmpty();
    }
}
