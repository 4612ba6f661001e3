package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Priming's HTTPS exchange runs what a client of ours runs on its first connection, through the SDK HTTP client the
 * package ships: TLS 1.3, the server's chain checked against a trusted CA and its name against the host asked for. A
 * leaf made for another name must fail it, or the check (and the classes it loads) would not have run. Nothing of it
 * is left running for the snapshot.
 */
class TlsPrimingTest {
    @Test
    void theExchangeAgreesOnTls13AndChecksTheServersName() {
        assertThat(TlsPriming.exchange()).startsWith("TLSv1.3 TLS_");

        assertThatThrownBy(() -> TlsPriming.exchange("elsewhere.invalid"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("priming's HTTPS exchange over loopback failed")
                .hasMessageContaining("127.0.0.1");
        assertThat(Thread.getAllStackTraces().keySet()).as("threads left by priming")
                .noneMatch(t -> t.getName().equals("priming-https") && t.isAlive());
    }
}
