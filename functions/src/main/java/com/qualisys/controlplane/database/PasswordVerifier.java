package com.qualisys.controlplane.database;

import java.sql.SQLException;
import org.postgresql.util.PasswordUtil;

/**
 * Hashes a password into a SCRAM-SHA-256 verifier on the client, so that CREATE/ALTER ROLE ...
 * PASSWORD sends the verifier and the plain password never reaches the server, its statement
 * logs (log_min_duration_statement, log_statement) or pg_stat_activity. PostgreSQL stores a
 * verifier it receives as is.
 */
public final class PasswordVerifier {
    private PasswordVerifier() {}

    public static String scramSha256(String username, String password) {
        try {
            return PasswordUtil.encodePassword(username, password.toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot hash the password of " + username + " with SCRAM-SHA-256");
        }
    }
}
