package com.qualisys.controlplane.database;

import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The db-init function: runs sql/db-init.sql as the master user with app_user's password from
 * the connection secret, then proves app_user can log in with that secret.
 *
 * <p>The password is passed as psql would pass it ({@code -v app_user_password="'...'"}), but
 * as a SCRAM verifier hashed here, so the plain password never reaches the server. When the
 * connection secret already logs in, the variable is NULL and the password is left alone: that
 * is what makes a second run change nothing.
 */
public final class DbInit {
    private static final Logger LOG = LoggerFactory.getLogger(DbInit.class);

    private final DatabaseSecrets secrets;
    private final DatabaseConnector connector;
    private final DatabaseSettings settings;
    private final String script;

    public DbInit(DatabaseSecrets secrets, DatabaseConnector connector, DatabaseSettings settings, String script) {
        this.secrets = secrets;
        this.connector = connector;
        this.settings = settings;
        this.script = script;
    }

    public DbInitReport run() {
        if (!DbInitScript.ROLE.equals(settings.appUser())) {
            throw new DbInitException("rds.secrets.appUser " + settings.appUser() + " is not the role sql/db-init.sql manages ("
                    + DbInitScript.ROLE + ")");
        }
        SecretVersion app = secrets.current(settings.connectionSecretId());
        DatabaseSecret appSecret = app.value();
        if (!settings.isAppUser(appSecret.username())) {
            throw new DbInitException("secret " + settings.connectionSecretId() + ": username " + appSecret.username()
                    + " is neither " + settings.appUser() + " nor " + settings.alternateAppUser());
        }
        MasterAccess master = new MasterAccess(secrets, connector, settings);
        LOG.info("db-init: {} as {}", master.currentSecret().endpoint(), settings.masterUsername());

        String passwordVariable = passwordVariable(appSecret);
        List<String> notices;
        try (Connection c = master.open()) {
            notices = ScriptRunner.run(c, "sql/db-init.sql",
                    PsqlScript.parse(script, Map.of(DbInitScript.PASSWORD_VARIABLE, passwordVariable)));
        } catch (SQLException closeFailed) {
            throw new DbInitException("db-init: closing the master connection failed: " + SqlErrors.describe(closeFailed));
        }
        notices.forEach(n -> LOG.info("{}", n));

        List<String> javaChecks = new ArrayList<>();
        javaChecks.add(checkApplicationLogin(appSecret));
        DbInitReport report = DbInitReport.fromNotices(settings.databaseName(), notices, javaChecks);
        LOG.info("db-init finished: changed={} role={} password={} extension={} changes={} checks={} warnings={}",
                report.changed(), report.role(), report.password(), report.extension(), report.changes().size(),
                report.checks().size(), report.warnings().size());
        return report;
    }

    /** NULL when the secret already logs in; otherwise the verifier as a literal (app_user only). */
    private String passwordVariable(DatabaseSecret appSecret) {
        LoginResult login = connector.tryLogin(appSecret);
        if (login == LoginResult.ACCEPTED) return "NULL";
        if (login == LoginResult.UNREACHABLE) {
            throw new DbInitException("db-init: the database " + appSecret.host() + ":" + appSecret.port() + " is unreachable");
        }
        if (!appSecret.username().equals(settings.appUser())) {
            throw new DbInitException("secret " + settings.connectionSecretId() + ": its user " + appSecret.username()
                    + " cannot log in, and db-init sets only " + settings.appUser()
                    + "'s password: finish or restart its rotation (SecretRotationHandler, Step health)");
        }
        return Sql.literal(PasswordVerifier.scramSha256(appSecret.username(), appSecret.password()));
    }

    /** The application's own login: the connection secret, over the same TLS policy, no superpowers. */
    private String checkApplicationLogin(DatabaseSecret appSecret) {
        try (Connection c = connector.open(appSecret);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user, r.rolsuper, r.rolbypassrls, "
                     + "coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false) "
                     + "FROM pg_roles r WHERE r.rolname = current_user")) {
            rs.next();
            if (!appSecret.username().equals(rs.getString(1)) || rs.getBoolean(2) || rs.getBoolean(3)) {
                throw new DbInitException("db-init check failed: " + appSecret.username() + " logs in without superuser or BYPASSRLS");
            }
            if (connector.tls().encrypts() && !rs.getBoolean(4)) {
                throw new DbInitException("db-init check failed: the application connection is not encrypted");
            }
            return appSecret.username() + " logs in with the connection secret"
                    + (connector.tls().encrypts() ? " over TLS" : " (plaintext, loopback test database)");
        } catch (LoginRejectedException | DatabaseUnreachableException e) {
            throw new DbInitException("db-init check failed: " + e.getMessage());
        } catch (SQLException e) {
            throw new DbInitException("db-init check failed: " + SqlErrors.describe(e));
        }
    }
}
