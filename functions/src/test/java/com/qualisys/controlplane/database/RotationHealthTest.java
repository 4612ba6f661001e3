package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.database.rotation.RotationHealth;
import com.qualisys.controlplane.database.rotation.RotationHealthReport;
import com.qualisys.controlplane.database.rotation.RotationHealthReport.Problem;
import com.qualisys.controlplane.database.rotation.RotationHealthReport.SecretHealth;
import com.qualisys.controlplane.database.rotation.RotationStep;
import com.qualisys.controlplane.database.rotation.SecretRotation;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.Postgres15;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

@ExtendWith(NoSecretsInLogs.class)
class RotationHealthTest {
    private DatabaseTestbed bed;
    private String connection;
    private String master;

    @BeforeEach
    void setUp() {
        bed = new DatabaseTestbed();
        bed.dbInit();
        connection = bed.settings.connectionSecretId();
        master = bed.settings.masterSecretId();
    }

    @AfterEach
    void tearDown() {
        bed.watchAllVersions(connection);
        bed.watchAllVersions(master);
        bed.close();
    }

    private void enableBoth() {
        bed.enableRotation(connection);
        bed.enableRotation(master);
    }

    private RotationHealthReport health(Duration later, boolean repair) {
        Clock clock = Clock.fixed(Instant.now().plus(later), ZoneOffset.UTC);
        return new RotationHealth(bed.secrets(), bed.connector, bed.settings, clock).check(repair);
    }

    private SecretRotation rotation() {
        return new SecretRotation(bed.secrets(), bed.connector, bed.settings);
    }

    private static SecretHealth secret(RotationHealthReport r, String id) {
        return r.secrets().stream().filter(s -> s.secretId().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> codes(SecretHealth s) {
        return s.problems().stream().map(Problem::code).toList();
    }

    @Test
    void aFreshlyInitialisedDatabaseWithRotationOnIsHealthy() {
        enableBoth();
        RotationHealthReport r = health(Duration.ZERO, true);

        assertThat(r.healthy()).isTrue();
        assertThat(r.secretsManager().reachable()).isTrue();
        assertThat(r.database().reachable()).isTrue();
        assertThat(r.secrets()).extracting(SecretHealth::secretId).containsExactly(connection, master);
        assertThat(r.secrets()).allSatisfy(s -> {
            assertThat(s.problems()).isEmpty();
            assertThat(s.currentLogsIn()).isTrue();
            assertThat(s.scheduleDays()).isEqualTo(30);
            assertThat(s.rotationDue()).isAfter(Instant.now().plus(Duration.ofDays(29)));
        });
        assertThat(r.openProblems()).isEmpty();
    }

    @Test
    void aRotationLeftHalfDoneIsFoundAndResumedToTheEnd() {
        enableBoth();
        DatabaseSecret before = bed.secrets().current(connection).value();
        String token = UUID.randomUUID().toString();
        rotation().run(connection, token, RotationStep.CREATE_SECRET);
        rotation().run(connection, token, RotationStep.SET_SECRET);

        assertThat(codes(secret(health(Duration.ZERO, false), connection))).as("a pending version minutes old may still be running")
                .doesNotContain("STUCK_PENDING");
        RotationHealthReport reportOnly = health(Duration.ofHours(2), false);
        assertThat(reportOnly.healthy()).isFalse();
        assertThat(reportOnly.openProblems()).containsExactly(connection + ": STUCK_PENDING");

        RotationHealthReport repaired = health(Duration.ofHours(2), true);

        assertThat(repaired.healthy()).isTrue();
        Problem p = secret(repaired, connection).problems().get(0);
        assertThat(p.code()).isEqualTo("STUCK_PENDING");
        assertThat(p.repaired()).isTrue();
        assertThat(p.repair()).isEqualTo("resumed the rotation: setSecret, testSecret and finishSecret completed");
        assertThat(secret(repaired, connection).pendingVersion()).isNull();
        assertThat(bed.login(bed.secrets().current(connection).value())).isEqualTo(LoginResult.ACCEPTED);
        assertThat(bed.login(before)).as("the previous user keeps its password until the next rotation").isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void aRotationThatCannotBeResumedIsCancelledWhileAwsCurrentStillWorks() throws SQLException {
        enableBoth();
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE app_user_clone LOGIN BYPASSRLS"); // someone made the clone unsafe
        }
        String token = UUID.randomUUID().toString();
        rotation().run(connection, token, RotationStep.CREATE_SECRET);

        RotationHealthReport r = health(Duration.ofHours(2), true);

        Problem p = secret(r, connection).problems().get(0);
        assertThat(p.code()).isEqualTo("STUCK_PENDING");
        assertThat(p.repaired()).isTrue();
        assertThat(p.repair()).contains("role app_user_clone has SUPERUSER or BYPASSRLS: refusing to hand it to the application")
                .endsWith("AWSCURRENT still logs in, so the pending version was cancelled (AWSPENDING removed)");
        assertThat(DatabaseSecrets.stages(bed.secrets().describe(connection)).values()).noneMatch(l -> l.contains("AWSPENDING"));
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void anOverdueRotationIsReportedAndFailsTheCheck() {
        enableBoth();
        RotationHealthReport r = health(Duration.ofDays(32), true);

        assertThat(r.healthy()).isFalse();
        assertThat(r.openProblems()).containsExactly(connection + ": ROTATION_OVERDUE", master + ": ROTATION_OVERDUE");
        assertThat(secret(r, connection).problems().get(0).detail()).contains("aws secretsmanager rotate-secret --secret-id " + connection);
    }

    @Test
    void rotationSwitchedOffOrOnTheWrongScheduleIsReported() {
        bed.sm().rotateSecret(x -> x.secretId(master).rotateImmediately(false).rotationRules(rr -> rr.automaticallyAfterDays(7L)));
        RotationHealthReport r = health(Duration.ZERO, true);

        assertThat(r.openProblems()).containsExactly(connection + ": ROTATION_DISABLED", master + ": SCHEDULE_MISMATCH");
        assertThat(secret(r, master).problems().get(0).detail()).isEqualTo("rotation runs every 7 days; rds.secrets.rotationDays is 30");
    }

    @Test
    void thePreviousUserStillLoggingInUntilTheNextRotationIsNotAProblem() {
        enableBoth();
        DatabaseSecret before = bed.secrets().current(connection).value();
        String token = UUID.randomUUID().toString();
        for (RotationStep s : List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET, RotationStep.TEST_SECRET, RotationStep.FINISH_SECRET)) {
            rotation().run(connection, token, s);
        }

        RotationHealthReport r = health(Duration.ZERO, true);

        assertThat(codes(secret(r, connection))).isEmpty();
        assertThat(r.healthy()).isTrue();
        assertThat(bed.login(before)).as("AWSPREVIOUS keeps working for one rotation period").isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void anUnreachableDatabaseIsReportedFromWhereTheCheckRuns() {
        enableBoth();
        bed.proxy.setDown(true);
        RotationHealthReport r = health(Duration.ZERO, true);
        bed.proxy.setDown(false);

        assertThat(r.healthy()).isFalse();
        assertThat(r.secretsManager().reachable()).isTrue();
        assertThat(r.database().reachable()).isFalse();
        assertThat(r.database().error()).contains("cannot connect as qualisys_admin to 127.0.0.1:" + bed.proxy.port());
        assertThat(r.openProblems()).containsExactly("DATABASE_UNREACHABLE");
    }

    @Test
    void anUnreachableSecretsManagerIsReportedFromWhereTheCheckRuns() {
        enableBoth();
        try (AwsClients nowhere = AwsClients.builder().region(MotoServer.REGION).endpoint("http://127.0.0.1:" + MotoServer.freePort())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            RotationHealthReport r = new RotationHealth(new DatabaseSecrets(nowhere.secretsManager()), bed.connector, bed.settings,
                    Clock.systemUTC()).check(true);

            assertThat(r.healthy()).isFalse();
            assertThat(r.secretsManager().reachable()).isFalse();
            assertThat(r.secretsManager().error()).startsWith("SdkClientException");
            assertThat(r.openProblems()).containsExactly("SECRETS_MANAGER_UNREACHABLE", "DATABASE_UNREACHABLE");
        }
    }

    @Test
    void awsCurrentThatNoLongerLogsInIsReportedNeverSilentlyRepaired() throws SQLException {
        enableBoth();
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE app_user PASSWORD " + Postgres15.verifier("app_user", Postgres15.randomPassword()));
        }
        RotationHealthReport r = health(Duration.ZERO, true);

        assertThat(r.healthy()).isFalse();
        assertThat(r.openProblems()).containsExactly(connection + ": CURRENT_LOGIN_REJECTED");
        assertThat(secret(r, connection).currentLogsIn()).isFalse();
    }
}
