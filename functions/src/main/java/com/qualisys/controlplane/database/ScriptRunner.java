package com.qualisys.controlplane.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs parsed psql statements in order on one connection, as {@code psql -v ON_ERROR_STOP=1}
 * would: autocommit, so the script's own BEGIN/COMMIT decide the transaction; the first error
 * stops the run and rolls back the open transaction. Returns the server's notices in order.
 */
public final class ScriptRunner {
    private ScriptRunner() {}

    public static List<String> run(Connection connection, String scriptName, List<PsqlScript.Statement> statements) {
        List<String> notices = new ArrayList<>();
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new DbInitException(scriptName + ": " + SqlErrors.describe(e));
        }
        for (PsqlScript.Statement statement : statements) {
            try (Statement st = connection.createStatement()) {
                st.execute(statement.sql());
                for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) notices.add(w.getMessage());
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw new DbInitException(scriptName + " line " + statement.line() + ": " + SqlErrors.describe(e));
            }
        }
        return notices;
    }

    private static void rollbackQuietly(Connection connection) {
        try (Statement st = connection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the connection is closed by the caller either way, which rolls back too
        }
    }
}
