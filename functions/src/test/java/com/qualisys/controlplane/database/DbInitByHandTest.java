package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.Postgres15;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed README's "Database Initialization" step, run with the real psql client against the
 * real server, on the very file the db-init function runs.
 */
@ExtendWith(NoSecretsInLogs.class)
class DbInitByHandTest {
    private static final Path PSQL = Path.of("/usr/bin/psql");
    private DatabaseTestbed bed;

    @BeforeEach
    void setUp() throws SQLException {
        bed = new DatabaseTestbed();
        assertThat(PSQL).as("the psql client (scripts/prepare-test-env installs postgresql-client)").isExecutable();
        // By hand, psql sends the password inside the statement text, which this server logs
        // (log_statement = all); keep it out of the captured server log for the master's sessions.
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + Postgres15.MASTER + " IN DATABASE " + Postgres15.DATABASE + " SET log_statement = 'none'");
        }
    }

    @AfterEach
    void close() {
        bed.close();
    }

    /** PGPASSWORD=$MASTER_PASS psql -h $DB_HOST -U qualisys_admin -d qualisys_master -v app_user_password="'$APP_PASS'" -f db-init.sql */
    private Result readmeCommand(String appPassword) throws IOException, InterruptedException {
        List<String> command = appPassword == null
                ? List.of(PSQL.toString(), "-h", Postgres15.HOST, "-U", "qualisys_admin", "-d", "qualisys_master", "-f", script())
                : List.of(PSQL.toString(), "-h", Postgres15.HOST, "-U", "qualisys_admin", "-d", "qualisys_master",
                        "-v", "app_user_password='" + appPassword + "'", "-f", script());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PGPASSWORD", bed.pg.masterPassword());
        env.put("PGPORT", String.valueOf(bed.proxy.port())); // $DB_HOST's port is 5432 on RDS
        env.put("PGSSLMODE", "require");                    // as the README's troubleshooting section asks
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    private record Result(int exitCode, String output) {}

    private static String script() {
        return RepoPaths.root().resolve("sql/db-init.sql").toString();
    }

    @Test
    void theReadmeCommandRunsTwiceAndTheFunctionThenFindsNothingToChange() throws Exception {
        Result first = readmeCommand(bed.appPassword);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("NOTICE:  db-init role created: app_user", "NOTICE:  db-init extension created: pg_stat_statements",
                "NOTICE:  db-init check passed: app_user sees only its tenant's rows",
                "NOTICE:  db-init check passed: row_security = off does not let app_user bypass RLS", "COMMIT")
                .doesNotContain(bed.appPassword);
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);

        Result second = readmeCommand(bed.appPassword);
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains("NOTICE:  db-init role unchanged: app_user", "NOTICE:  db-init extension unchanged: pg_stat_statements")
                .doesNotContain("granted:", "created:");

        DbInitReport function = bed.dbInit();
        assertThat(function.changed()).as("the function agrees with what psql did").isFalse();
        assertThat(function.checks()).contains("app_user cannot disable row level security");
    }

    @Test
    void withoutThePasswordVariablePsqlStopsAtOnceAndChangesNothing() throws Exception {
        Result r = readmeCommand(null);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(3); // ON_ERROR_STOP
        assertThat(r.output()).contains("syntax error at or near \":\"");
        try (Connection c = bed.pg.superuser(Postgres15.DATABASE); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = 'app_user'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(Files.readString(Path.of(script()))).doesNotContain(bed.appPassword);
    }
}
