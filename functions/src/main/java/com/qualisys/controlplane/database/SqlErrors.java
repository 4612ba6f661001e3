package com.qualisys.controlplane.database;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes an SQLException without what could hold a secret: the server's primary message and
 * SQLSTATE only. pgjdbc's own message adds the error's context ("Where: SQL statement ..."),
 * which quotes the failing statement, and an ALTER ROLE ... PASSWORD statement is one. Callers
 * therefore never chain the SQLException as a cause.
 */
public final class SqlErrors {
    private SqlErrors() {}

    public static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "no SQLSTATE" : "SQLSTATE " + e.getSQLState();
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            return m.getSeverity() + ": " + m.getMessage() + " (" + state + ")";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return message + " (" + state + ")";
    }

    /** Wrong password, unknown role or no pg_hba entry: the server answered, and said no. */
    public static boolean isLoginRejected(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("28");
    }
}
