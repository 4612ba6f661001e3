package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.Postgres15;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoSecretsInLogs.class)
class TenantSchemasTest {
    private DatabaseTestbed bed;
    private TenantSchemas tenants;

    @BeforeEach
    void setUp() {
        bed = new DatabaseTestbed();
        bed.dbInit();
        tenants = new TenantSchemas(bed.settings.appUser());
    }

    @AfterEach
    void close() {
        bed.close();
    }

    private Connection master() {
        return new MasterAccess(bed.secrets(), bed.connector, bed.settings).open();
    }

    private Connection application() {
        return bed.connector.open(bed.secrets().current(bed.settings.connectionSecretId()).value());
    }

    @Test
    void anOrganisationGetsItsSchemaOnceAndASecondRunChangesNothing() throws SQLException {
        try (Connection m = master()) {
            TenantSchemaReport first = tenants.ensure(m, "acme");
            assertThat(first.schema()).isEqualTo("tenant_acme");
            assertThat(first.changed()).isTrue();
            assertThat(first.changes()).containsExactly("schema tenant_acme created", "USAGE ON SCHEMA tenant_acme granted to app_user",
                    "default table privileges in tenant_acme granted to app_user",
                    "default sequence privileges in tenant_acme granted to app_user");

            TenantSchemaReport second = tenants.ensure(m, "acme");
            assertThat(second.changed()).isFalse();
            assertThat(second.changes()).isEmpty();
        }
    }

    @Test
    void aTenantReadsItsOwnRowsAndACrossTenantReadIsDenied() throws SQLException {
        try (Connection m = master(); Statement st = m.createStatement()) {
            tenants.ensure(m, "acme");
            tenants.ensure(m, "globex");
            m.setAutoCommit(true);
            // a migration, run by the master user, adds a table to each schema
            for (String t : List.of("acme", "globex")) {
                st.execute("CREATE TABLE tenant_" + t + ".orders (id int PRIMARY KEY, item text NOT NULL)");
                st.execute("INSERT INTO tenant_" + t + ".orders VALUES (1, '" + t + " order 1'), (2, '" + t + " order 2')");
            }
            TenantSchemaReport secured = tenants.ensure(m, "globex");
            assertThat(secured.changes()).contains("table tenant_globex.orders row level security enabled and forced",
                    "table tenant_globex.orders policy tenant_isolation created");
            assertThat(tenants.ensure(m, "acme").securedTables()).containsExactly("orders");
            assertThat(tenants.ensure(m, "acme").changed()).isFalse();
        }
        try (Connection app = application(); Statement st = app.createStatement()) {
            st.execute("SET app.current_tenant = 'acme'");
            assertThat(count(st, "SELECT count(*) FROM tenant_acme.orders")).isEqualTo(2);
            assertThat(count(st, "SELECT count(*) FROM tenant_globex.orders")).as("acme reading globex's schema").isZero();
            assertThatThrownBy(() -> st.execute("INSERT INTO tenant_globex.orders VALUES (3, 'planted by acme')"))
                    .hasMessageContaining("new row violates row-level security policy");
            assertThatThrownBy(() -> st.execute("ALTER TABLE tenant_globex.orders DISABLE ROW LEVEL SECURITY"))
                    .hasMessageContaining("must be owner of table orders");
            assertThatThrownBy(() -> st.execute("CREATE TABLE tenant_acme.sneaky (x int)"))
                    .hasMessageContaining("permission denied for schema tenant_acme");
            st.execute("RESET app.current_tenant");
            assertThat(count(st, "SELECT count(*) FROM tenant_acme.orders")).as("no tenant set").isZero();
        }
    }

    @Test
    void maliciousAndMalformedSlugsAreRejectedBeforeAnySqlRuns() throws SQLException {
        List<String> slugs = List.of(
                "acme'; DROP SCHEMA public CASCADE; --",   // quote + statement injection
                "acme;drop",                              // semicolon
                "acme\"",                                 // identifier quote
                "Acme",                                   // upper case
                "ACME",
                "\u0430cme",                              // Cyrillic a, looks like "acme"
                "acm\u0435",                              // Cyrillic e
                "\uff41cme",                              // full-width a
                "acme\u200b",                             // zero-width space
                "ac\u0131me",                             // dotless i
                "",                                       // empty
                "a".repeat(57),                           // one past the limit
                "acme-corp",                              // hyphen
                "acme corp",                              // space
                "../acme",                                // path-like
                "acme\n",                                 // newline
                "acme\u0000",                             // NUL
                "1acme",                                  // starts with a digit
                "_acme",                                  // starts with an underscore
                "acme$1");                                // dollar
        List<String> schemasBefore = schemas();
        AtomicInteger jdbcCalls = new AtomicInteger();
        try (Connection real = master()) {
            Connection counted = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        jdbcCalls.incrementAndGet();
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            for (String slug : slugs) {
                assertThatThrownBy(() -> tenants.ensure(counted, slug)).as(slug)
                        .isInstanceOf(TenantSlug.InvalidTenantSlugException.class).hasMessageStartingWith("tenant slug ");
            }
        }
        assertThat(jdbcCalls.get()).as("calls made on the connection: no statement was even created").isZero();
        assertThat(schemas()).isEqualTo(schemasBefore);
        assertThat(schemasBefore).contains("public");
    }

    private List<String> schemas() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = bed.pg.superuser(Postgres15.DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT nspname || ':' || coalesce(nspacl::text, '') FROM pg_namespace ORDER BY 1")) {
            while (rs.next()) names.add(rs.getString(1).split(":")[0]);
        }
        return names;
    }

    private static int count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
