package com.qualisys.controlplane.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens JDBC connections from a secret's credentials under one {@link TlsPolicy}. The password
 * goes in the connection properties, never in a URL; failures become exceptions whose messages
 * carry no credentials.
 */
public final class DatabaseConnector {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConnector.class);

    /** Whether a login attempt got in, was refused, or found no database to talk to. */
    public enum LoginResult { ACCEPTED, REJECTED, UNREACHABLE }

    private final TlsPolicy tls;
    private final String applicationName;
    private final int connectTimeoutSeconds;

    public DatabaseConnector(TlsPolicy tls, String applicationName) {
        this(tls, applicationName, 5);
    }

    public DatabaseConnector(TlsPolicy tls, String applicationName, int connectTimeoutSeconds) {
        this.tls = tls;
        this.applicationName = applicationName;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    public TlsPolicy tls() {
        return tls;
    }

    /** Connects as the secret's user to the secret's database. */
    public Connection open(DatabaseSecret secret) {
        return open(secret, secret.dbname());
    }

    public Connection open(DatabaseSecret secret, String database) {
        Properties props = tls.jdbcProperties(secret.host());
        if (!tls.encrypts()) {
            LOG.warn("TLS is OFF for {}:{} ({}=true, loopback test database only)", secret.host(), secret.port(), TlsPolicy.PLAINTEXT_SETTING);
        }
        props.setProperty("user", secret.username());
        props.setProperty("password", secret.password());
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        props.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds * 2));
        props.setProperty("socketTimeout", "120");
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("gssEncMode", "disable");
        String url = "jdbc:postgresql://" + hostForUrl(secret.host()) + ":" + secret.port() + "/" + database;
        try {
            Connection c = DriverManager.getConnection(url, props);
            requireStandardStrings(c);
            return c;
        } catch (SQLException e) {
            String what = "as " + secret.username() + " to " + secret.host() + ":" + secret.port() + "/" + database;
            if (SqlErrors.isLoginRejected(e)) throw new LoginRejectedException("login " + what + " refused: " + SqlErrors.describe(e));
            throw new DatabaseUnreachableException("cannot connect " + what + ": " + SqlErrors.describe(e));
        }
    }

    /** Tries the credentials and closes the connection again. */
    public LoginResult tryLogin(DatabaseSecret secret) {
        try (Connection ignored = open(secret)) {
            return LoginResult.ACCEPTED;
        } catch (LoginRejectedException e) {
            return LoginResult.REJECTED;
        } catch (DatabaseUnreachableException e) {
            return LoginResult.UNREACHABLE;
        } catch (SQLException e) {
            return LoginResult.ACCEPTED; // only close() failed
        }
    }

    /** Sql.literal relies on it; PostgreSQL has defaulted to on since 9.1. */
    private static void requireStandardStrings(Connection c) throws SQLException {
        boolean on;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW standard_conforming_strings")) {
            on = rs.next() && "on".equals(rs.getString(1));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        if (!on) {
            c.close();
            throw new SQLException("standard_conforming_strings is off on the server; refusing to build literals", "0A000");
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
