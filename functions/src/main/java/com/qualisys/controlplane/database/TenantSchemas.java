package com.qualisys.controlplane.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema-per-tenant (seed README, "Multi-Tenant Design"): {@code tenant_<slug>} owned by the
 * master user, usable by the application role, and with row-level security on every table as
 * defence in depth: a row of tenant_acme is visible only to a session whose
 * {@code app.current_tenant} is {@code acme}, so a query that names the wrong schema reads nothing.
 *
 * <p>Idempotent: each piece is checked in the catalog first and only missing pieces are created.
 * Run it again after migrations add tables: new tables get their grants from the default
 * privileges at once, and their RLS policy on that run.
 */
public final class TenantSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(TenantSchemas.class);
    /** The session setting the application sets to its tenant's slug. */
    public static final String TENANT_SETTING = "app.current_tenant";
    static final String POLICY = "tenant_isolation";

    private final String appUser;

    public TenantSchemas(String appUser) {
        Sql.identifier(appUser); // a plain identifier: it is spelled into catalog queries below
        this.appUser = appUser;
    }

    /** Validates the slug before touching the connection: an invalid slug runs no SQL at all. */
    public TenantSchemaReport ensure(Connection master, String slug) {
        return ensure(master, TenantSlug.of(slug));
    }

    public TenantSchemaReport ensure(Connection master, TenantSlug slug) {
        String schema = slug.schema();
        String schemaSql = Sql.identifier(schema);
        String role = Sql.identifier(appUser);
        List<String> changes = new ArrayList<>();
        List<String> secured = new ArrayList<>();
        try {
            master.setAutoCommit(false);
            try (Statement st = master.createStatement()) {
                if (!exists(master, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema)) {
                    st.execute("CREATE SCHEMA " + schemaSql);
                    changes.add("schema " + schema + " created");
                }
                if (!exists(master, "SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = ? "
                        + "AND a.grantee = '" + appUser + "'::regrole AND a.privilege_type = 'USAGE'", schema)) {
                    st.execute("GRANT USAGE ON SCHEMA " + schemaSql + " TO " + role);
                    changes.add("USAGE ON SCHEMA " + schema + " granted to " + appUser);
                }
                if (!hasDefaultPrivileges(master, schema, "r", 4, "'SELECT','INSERT','UPDATE','DELETE'")) {
                    st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schemaSql + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + role);
                    changes.add("default table privileges in " + schema + " granted to " + appUser);
                }
                if (!hasDefaultPrivileges(master, schema, "S", 2, "'USAGE','SELECT'")) {
                    st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schemaSql + " GRANT USAGE, SELECT ON SEQUENCES TO " + role);
                    changes.add("default sequence privileges in " + schema + " granted to " + appUser);
                }
                for (TableState t : tables(master, schema)) {
                    String table = schemaSql + "." + Sql.identifier(t.name());
                    if (!t.granted()) {
                        st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + role);
                        changes.add("table " + schema + "." + t.name() + " granted to " + appUser);
                    }
                    if (!t.rls() || !t.forced()) {
                        st.execute("ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY");
                        st.execute("ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
                        changes.add("table " + schema + "." + t.name() + " row level security enabled and forced");
                    }
                    if (!t.policy()) {
                        String tenantIs = "current_setting('" + TENANT_SETTING + "', true) = " + Sql.literal(slug.value());
                        st.execute("CREATE POLICY " + POLICY + " ON " + table + " USING (" + tenantIs + ") WITH CHECK (" + tenantIs + ")");
                        changes.add("table " + schema + "." + t.name() + " policy " + POLICY + " created");
                    }
                    secured.add(t.name());
                }
            }
            master.commit();
        } catch (SQLException e) {
            try {
                master.rollback();
            } catch (SQLException ignored) {
                // closing the connection rolls back as well
            }
            throw new IllegalStateException("tenant schema " + schema + ": " + SqlErrors.describe(e));
        }
        LOG.info("tenant schema {}: {}", schema, changes.isEmpty() ? "unchanged" : String.join("; ", changes));
        return new TenantSchemaReport(schema, !changes.isEmpty(), changes, secured);
    }

    private record TableState(String name, boolean granted, boolean rls, boolean forced, boolean policy) {}

    private List<TableState> tables(Connection c, String schema) throws SQLException {
        String sql = "SELECT c.relname, "
                + "has_table_privilege(?::regrole, c.oid, 'SELECT') AND has_table_privilege(?::regrole, c.oid, 'INSERT') "
                + "AND has_table_privilege(?::regrole, c.oid, 'UPDATE') AND has_table_privilege(?::regrole, c.oid, 'DELETE'), "
                + "c.relrowsecurity, c.relforcerowsecurity, "
                + "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = ?) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname";
        List<TableState> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) ps.setString(i, appUser);
            ps.setString(5, POLICY);
            ps.setString(6, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableState(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5)));
                }
            }
        }
        return tables;
    }

    private boolean hasDefaultPrivileges(Connection c, String schema, String objectType, int count, String privileges) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a "
                + "WHERE n.nspname = ? AND d.defaclrole = current_user::regrole AND d.defaclobjtype = '" + objectType + "' "
                + "AND a.grantee = '" + appUser + "'::regrole AND a.privilege_type IN (" + privileges + ") "
                + "GROUP BY d.oid HAVING count(DISTINCT a.privilege_type) = " + count, schema);
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
