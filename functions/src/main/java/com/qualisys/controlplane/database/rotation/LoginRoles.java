package com.qualisys.controlplane.database.rotation;

import com.qualisys.controlplane.database.PasswordVerifier;
import com.qualisys.controlplane.database.Sql;
import com.qualisys.controlplane.database.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The role statements of a rotation, run over a master connection. Passwords are sent as
 * SCRAM verifiers ({@link PasswordVerifier}); SQL errors are reported without the statement.
 */
final class LoginRoles {
    private LoginRoles() {}

    /**
     * Sets the password of an application login role. The clone is created on first use as a
     * member of the primary role (so it has exactly app_user's privileges) with the same limits.
     */
    static String setApplicationPassword(Connection master, String username, String primary, String password) {
        String role = Sql.identifier(username);
        String verifier = Sql.literal(PasswordVerifier.scramSha256(username, password));
        try (Statement st = master.createStatement()) {
            RoleFlags flags = flags(master, username);
            if (flags == null) {
                if (username.equals(primary)) {
                    throw new RotationException("role " + primary + " does not exist: run db-init first");
                }
                st.execute("CREATE ROLE " + role + " WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB IN ROLE "
                        + Sql.identifier(primary) + " PASSWORD " + verifier);
                return "created role " + username + " (member of " + primary + ") with the new password";
            }
            if (flags.superuser() || flags.bypassRls()) {
                throw new RotationException("role " + username + " has SUPERUSER or BYPASSRLS: refusing to hand it to the application");
            }
            st.execute("ALTER ROLE " + role + " WITH LOGIN PASSWORD " + verifier);
            if (!username.equals(primary) && !isMember(master, username, primary)) {
                st.execute("GRANT " + Sql.identifier(primary) + " TO " + role);
            }
            return "set the new password on role " + username;
        } catch (SQLException e) {
            throw new RotationException("setting the password of role " + username + " failed: " + SqlErrors.describe(e));
        }
    }

    /** The connected user changes its own password (single-user rotation). */
    static void setOwnPassword(Connection self, String username, String password) {
        try (Statement st = self.createStatement()) {
            st.execute("ALTER ROLE " + Sql.identifier(username) + " PASSWORD "
                    + Sql.literal(PasswordVerifier.scramSha256(username, password)));
        } catch (SQLException e) {
            throw new RotationException("setting the password of role " + username + " failed: " + SqlErrors.describe(e));
        }
    }

    record RoleFlags(boolean login, boolean superuser, boolean bypassRls) {}

    static RoleFlags flags(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new RoleFlags(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)) : null;
            }
        }
    }

    static boolean isMember(Connection c, String member, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_auth_members m "
                + "WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = ?) AND m.member = (SELECT oid FROM pg_roles WHERE rolname = ?)")) {
            ps.setString(1, role);
            ps.setString(2, member);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
