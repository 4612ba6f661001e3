package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantSlugTest {

    @Test
    void aValidSlugNamesItsSchema() {
        assertThat(TenantSlug.of("acme").schema()).isEqualTo("tenant_acme");
        assertThat(TenantSlug.of("acme_2024").schema()).isEqualTo("tenant_acme_2024");
        assertThat(TenantSlug.of("a".repeat(56)).schema()).hasSize(63);
    }

    @Test
    void errorsNameTheSlugPrintablyAndSayWhy() {
        assertThatThrownBy(() -> TenantSlug.of("acme'; DROP SCHEMA public; --"))
                .hasMessage("tenant slug \"acme'; DROP SCHEMA public; --\" must be ASCII lower-case letters, digits and '_', starting with a letter");
        assertThatThrownBy(() -> TenantSlug.of("\u0430cme")).hasMessageStartingWith("tenant slug \"\\u0430cme\" must be");
        assertThatThrownBy(() -> TenantSlug.of("")).hasMessage("tenant slug \"\" is empty");
        assertThatThrownBy(() -> TenantSlug.of("a".repeat(57))).hasMessageEndingWith("is 57 characters long; the limit is 56");
    }
}
