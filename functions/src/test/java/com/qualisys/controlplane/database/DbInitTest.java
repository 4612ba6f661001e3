package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.testing.LogCapture;
import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.Postgres15;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoSecretsInLogs.class)
class DbInitTest {
    private DatabaseTestbed bed;

    @BeforeEach
    void freshDatabaseAndSecrets() {
        bed = new DatabaseTestbed();
    }

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void firstRunCreatesAppUserGrantsAndExtensionAndPassesEveryRlsCheck() {
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.REJECTED);

        DbInitReport report = bed.dbInit();

        assertThat(report.changed()).isTrue();
        assertThat(report.role()).isEqualTo("created");
        assertThat(report.password()).isEqualTo("set");
        assertThat(report.extension()).isEqualTo("created");
        assertThat(report.changes()).extracting(DbInitReport.Item::toString).contains(
                "grant granted: CONNECT, TEMPORARY ON DATABASE qualisys_master TO app_user",
                "grant granted: USAGE ON SCHEMA public TO app_user");
        assertThat(report.checks()).contains(
                "app_user is not a superuser (rolsuper false)",
                "app_user does not bypass RLS (rolbypassrls false)",
                "FORCE ROW LEVEL SECURITY filters the table owner too",
                "app_user sees only its tenant's rows",
                "app_user cannot read another tenant's rows",
                "app_user without a tenant sees no rows",
                "app_user cannot write another tenant's rows",
                "app_user cannot disable row level security",
                "app_user cannot unset FORCE ROW LEVEL SECURITY",
                "app_user cannot drop the tenant policy",
                "app_user cannot grant itself BYPASSRLS",
                "row_security = off does not let app_user bypass RLS",
                "pg_stat_statements is loaded (shared_preload_libraries)",
                "app_user logs in with the connection secret over TLS");
        assertThat(report.warnings()).isEmpty();
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void secondRunChangesNothingAndSaysSo() throws SQLException {
        bed.dbInit();
        List<String> catalogBefore = catalogSnapshot();

        DbInitReport second = bed.dbInit();

        assertThat(second.changed()).isFalse();
        assertThat(second.changes()).isEmpty();
        assertThat(second.role()).isEqualTo("unchanged");
        assertThat(second.password()).isEqualTo("unchanged");
        assertThat(second.extension()).isEqualTo("unchanged");
        assertThat(second.unchanged()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(second.checks()).hasSize(14);
        assertThat(catalogSnapshot()).as("roles, memberships, privileges, schemas, extensions").isEqualTo(catalogBefore);
    }

    @Test
    void appUserHasNoSuperpowersOnTheRealServer() throws SQLException {
        bed.dbInit();
        try (Connection c = bed.pg.superuser(Postgres15.DATABASE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                     + "FROM pg_roles WHERE rolname = 'app_user'")) {
            rs.next();
            assertThat(List.of(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5)))
                    .containsExactly(true, false, false, false, false);
        }
    }

    @Test
    void aTamperedRoleIsRepairedAndAForgottenPasswordIsSetAgain() throws SQLException {
        bed.dbInit();
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE app_user CREATEDB CREATEROLE PASSWORD " + Postgres15.verifier("app_user", Postgres15.randomPassword()));
        }
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.REJECTED);

        DbInitReport report = bed.dbInit();

        assertThat(report.role()).isEqualTo("updated");
        assertThat(report.changes()).extracting(DbInitReport.Item::subject).contains("app_user (NOCREATEROLE, NOCREATEDB)");
        assertThat(report.password()).isEqualTo("set");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void bypassRlsThatOnlyASuperuserCouldRemoveFailsTheRunAndChangesNothing() throws SQLException {
        bed.dbInit();
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE app_user BYPASSRLS");
            st.execute("REVOKE USAGE ON SCHEMA public FROM app_user");
        }
        List<String> before = catalogSnapshot();

        assertThatThrownBy(bed::dbInit).isInstanceOf(DbInitException.class).hasMessageContaining(
                "db-init check failed: app_user has SUPERUSER or BYPASSRLS, and only a superuser can remove it (qualisys_admin cannot)");
        assertThat(catalogSnapshot()).as("one transaction: the missing grant was not re-granted either").isEqualTo(before);
    }

    @Test
    void theMasterSecretMustNameTheSpecsMasterUser() {
        bed.sm().putSecretValue(r -> r.secretId(bed.settings.masterSecretId()).secretString(
                new DatabaseSecret("postgres", bed.pg.masterPassword(), "postgres", Postgres15.HOST, bed.proxy.port(), Postgres15.DATABASE).toJson()));

        assertThatThrownBy(bed::dbInit)
                .hasMessage("secret qualisys/database/master: username postgres is not rds.masterUsername qualisys_admin");
    }

    @Test
    void anUnreachableDatabaseFailsClearlyAndChangesNothing() throws SQLException {
        bed.proxy.setDown(true);
        List<String> before = catalogSnapshot();

        Throwable thrown = catchAll(bed::dbInit);

        assertThat(thrown).hasMessageContaining("unreachable");
        LogCapture.assertNoSecretIn(thrown);
        assertThat(catalogSnapshot()).isEqualTo(before);
    }

    @Test
    void connectionsUseTlsUnlessAPlaintextLoopbackTestServerIsExplicitlyAllowed() throws SQLException {
        DatabaseSecret master = bed.secrets().current(bed.settings.masterSecretId()).value();
        assertThat(sslInUse(new DatabaseConnector(TlsPolicy.require(), "t"), master)).isTrue();
        assertThat(sslInUse(new DatabaseConnector(TlsPolicy.verifyFull(bed.pg.certificate()), "t"), master)).isTrue();
        assertThat(sslInUse(new DatabaseConnector(TlsPolicy.plaintextOnLoopbackOnly(), "t"), master)).isFalse();
        assertThat(LogCapture.lines()).anyMatch(l -> l.contains("TLS is OFF for 127.0.0.1:" + bed.proxy.port()));

        DatabaseSecret remote = master.withCredentials(master.username(), master.password());
        DatabaseSecret rds = new DatabaseSecret(remote.username(), remote.password(), "postgres",
                "qualisys-db.abc.us-east-1.rds.amazonaws.com", 5432, remote.dbname());
        assertThatThrownBy(() -> new DatabaseConnector(TlsPolicy.plaintextOnLoopbackOnly(), "t").open(rds))
                .hasMessageContaining("QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK=true allows plaintext only to a loopback address");
        assertThat(TlsPolicy.fromEnvironment(java.util.Map.of("QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK", "true")).mode())
                .isEqualTo(TlsPolicy.Mode.PLAINTEXT_ON_LOOPBACK_ONLY);
        assertThatThrownBy(() -> TlsPolicy.fromEnvironment(java.util.Map.of("QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK", "yes")))
                .hasMessage("QUALISYS_DB_ALLOW_PLAINTEXT_ON_LOOPBACK yes must be true or false");
    }

    @Test
    void byDefaultTheServerIsVerifiedAgainstThePackagedRdsCaBundleSoAServerCertifiedByAnotherCaIsRefused() throws Exception {
        TlsPolicy byDefault = TlsPolicy.fromEnvironment(java.util.Map.of());
        assertThat(byDefault.mode()).isEqualTo(TlsPolicy.Mode.VERIFY_FULL);
        assertThat(byDefault.rootCertificate().toString().replace('\\', '/')).endsWith(TlsPolicy.BUNDLED_CA);
        List<String> issuers = new ArrayList<>();
        try (var in = java.nio.file.Files.newInputStream(byDefault.rootCertificate())) {
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                issuers.add(((java.security.cert.X509Certificate) c).getSubjectX500Principal().getName());
            }
        }
        assertThat(issuers).hasSizeGreaterThan(20).allMatch(name -> name.contains("OU=Amazon RDS"));

        DatabaseSecret master = bed.secrets().current(bed.settings.masterSecretId()).value();
        Throwable refused = catchAll(() -> new DatabaseConnector(byDefault, "t").open(master));
        assertThat(refused).isInstanceOf(DatabaseUnreachableException.class).hasMessageContaining("cannot connect as " + master.username());
        LogCapture.assertNoSecretIn(refused);

        // The same setting names the CA of a server that is not RDS (the tests' PostgreSQL): verified and connected.
        TlsPolicy local = TlsPolicy.fromEnvironment(java.util.Map.of(TlsPolicy.ROOT_CERT_SETTING, bed.pg.certificate().toString()));
        assertThat(local.mode()).isEqualTo(TlsPolicy.Mode.VERIFY_FULL);
        assertThat(sslInUse(new DatabaseConnector(local, "t"), master)).isTrue();
    }

    @Test
    void theServerNeverReceivesThePlainPassword() {
        bed.dbInit();
        List<String> serverLog = LogCapture.lines().stream().filter(l -> l.startsWith("server-")).toList();
        assertThat(serverLog).as("log_statement = all is on, so statements are in the captured log")
                .anyMatch(l -> l.contains("set_config('qualisys.app_user_password', coalesce('SCRAM-SHA-256$"));
        assertThat(serverLog).noneMatch(l -> l.contains(bed.appPassword));
    }

    private static boolean sslInUse(DatabaseConnector connector, DatabaseSecret secret) throws SQLException {
        try (Connection c = connector.open(secret); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static Throwable catchAll(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    /** Everything db-init could touch, as text, from the harness's superuser view. */
    private List<String> catalogSnapshot() throws SQLException {
        List<String> rows = new ArrayList<>();
        String[] queries = {
            "SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolpassword FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1",
            "SELECT roleid::regrole, member::regrole FROM pg_auth_members WHERE roleid::regrole::text NOT LIKE 'pg\\_%' ORDER BY 1, 2",
            "SELECT datname, datacl FROM pg_database ORDER BY 1",
            "SELECT nspname, nspacl FROM pg_namespace ORDER BY 1",
            "SELECT extname, extversion FROM pg_extension ORDER BY 1",
            "SELECT defaclrole::regrole, defaclnamespace::regnamespace, defaclobjtype, defaclacl FROM pg_default_acl ORDER BY 1, 2, 3",
            "SELECT n.nspname, c.relname, c.relacl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1, 2"};
        try (Connection c = bed.pg.superuser(Postgres15.DATABASE); Statement st = c.createStatement()) {
            for (String q : queries) {
                try (ResultSet rs = st.executeQuery(q)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder b = new StringBuilder();
                        for (int i = 1; i <= n; i++) b.append(rs.getString(i)).append('|');
                        rows.add(b.toString());
                    }
                }
            }
        }
        return rows;
    }
}
