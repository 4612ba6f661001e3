package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** The local RDS instance is a real PostgreSQL: its endpoint answers, with the master user RDS was given. */
class PostgresBehindRdsTest {
    private static LocalAws local;
    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        local = LocalAws.shared();
        local.reset();
        postgres = LocalPostgres.start(Files.createDirectories(RepoPaths.cache().resolve("local-postgres-test")));
        local.attachPostgres(postgres);
    }

    @AfterAll
    static void stop() {
        local.attachPostgres(null);
        postgres.close();
        local.reset();
    }

    @Test
    void createDbInstanceMakesTheMasterUserAndTheEndpointPointsAtARealServer() throws SQLException {
        try (AwsClients aws = local.clients()) {
            aws.rds().createDBInstance(r -> r.dbInstanceIdentifier("qualisys-db").engine("postgres").engineVersion("15.10")
                    .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername("qualisys_admin")
                    .masterUserPassword("Initial-password-1").dbName("qualisys_master"));
            DBInstance db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("qualisys-db")).dbInstances().get(0);

            assertThat(db.endpoint().address()).isEqualTo(postgres.address()).isNotEqualTo("127.0.0.1");
            assertThat(db.endpoint().port()).isEqualTo(LocalPostgres.RDS_PORT);
            try (Connection c = login(db.endpoint().address(), "qualisys_admin", "Initial-password-1");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT rolsuper, rolcreaterole, current_database(), "
                         + "(SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("master is a superuser").isFalse();
                assertThat(rs.getBoolean(2)).as("master may create roles").isTrue();
                assertThat(rs.getString(3)).isEqualTo("qualisys_master");
                assertThat(rs.getBoolean(4)).as("connection uses TLS").isTrue();
            }

            aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("qualisys-db").masterUserPassword("Rotated-password-2")
                    .applyImmediately(true));
            assertThatThrownBy(() -> login(postgres.address(), "qualisys_admin", "Initial-password-1").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            login(postgres.address(), "qualisys_admin", "Rotated-password-2").close();
        }
    }

    @Test
    void aNameThatIsNoPlainIdentifierIsRefusedNamingTheField() {
        assertThatThrownBy(() -> postgres.createInstance("admin; DROP ROLE postgres", "x", "db"))
                .hasMessageContaining("MasterUsername admin; DROP ROLE postgres is not a plain identifier");
    }

    @Test
    void endpointsInAnyRdsAnswerPointAtTheServer() {
        String xml = "<DBInstance><Endpoint><Address>db.abc.us-east-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>"
                + "<ListenerEndpoint><Address>other</Address></ListenerEndpoint></DBInstance>";
        assertThat(PostgresBehindRds.pointEndpointsAt(xml, "127.0.0.2"))
                .contains("<Endpoint><Address>127.0.0.2</Address>").contains("<Address>other</Address>");
    }

    private static Connection login(String host, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", "require");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + LocalPostgres.RDS_PORT + "/qualisys_master", p);
    }
}
