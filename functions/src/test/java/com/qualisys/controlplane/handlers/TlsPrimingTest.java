package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Priming's TLS handshake runs what a client of ours runs on its first connection: TLS 1.3, the server's chain checked
 * against a trusted CA and its name against the host asked for. A leaf made for another name must fail it, or the
 * check (and the classes it loads) would not have run.
 */
class TlsPrimingTest {
    @Test
    void theHandshakeAgreesOnTls13AndChecksTheServersName() {
        assertThat(TlsPriming.handshake()).startsWith("TLSv1.3 TLS_");

        assertThatThrownBy(() -> TlsPriming.handshake("elsewhere.invalid"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("priming's TLS handshake in the JVM failed")
                .hasMessageContaining("priming.invalid");
    }
}
