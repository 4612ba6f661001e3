package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.database.rotation.RotationException;
import com.qualisys.controlplane.database.rotation.RotationOutcome;
import com.qualisys.controlplane.database.rotation.RotationStep;
import com.qualisys.controlplane.database.rotation.SecretRotation;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.LogCapture;
import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.Postgres15;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rotation protocol end to end: real PostgreSQL 15, moto's Secrets Manager, the steps driven
 * as Secrets Manager drives them (same token, in order, retried after a failure).
 */
@ExtendWith(NoSecretsInLogs.class)
class SecretRotationTest {
    private static final List<RotationStep> ALL = List.of(RotationStep.values());
    private DatabaseTestbed bed;
    private String connection;
    private String master;

    @BeforeEach
    void setUp() {
        bed = new DatabaseTestbed();
        bed.dbInit();
        connection = bed.settings.connectionSecretId();
        master = bed.settings.masterSecretId();
        bed.enableRotation(connection);
        bed.enableRotation(master);
    }

    @AfterEach
    void tearDown() {
        bed.watchAllVersions(connection);
        bed.watchAllVersions(master);
        bed.close();
    }

    private SecretRotation rotation() {
        return rotation(bed.secrets());
    }

    private SecretRotation rotation(DatabaseSecrets secrets) {
        return new SecretRotation(secrets, bed.connector, bed.settings);
    }

    private List<RotationOutcome> run(SecretRotation rotation, String secretId, String token, List<RotationStep> steps) {
        List<RotationOutcome> outcomes = new ArrayList<>();
        for (RotationStep step : steps) outcomes.add(rotation.run(secretId, token, step));
        bed.watchAllVersions(secretId);
        return outcomes;
    }

    /** Runs a step expected to fail; the failure must not carry a secret either. */
    private Throwable failing(SecretRotation rotation, String secretId, String token, RotationStep step) {
        Throwable t = DbInitTest.catchAll(() -> rotation.run(secretId, token, step));
        bed.watchAllVersions(secretId);
        LogCapture.assertNoSecretIn(t);
        return t;
    }

    private DatabaseSecret current(String secretId) {
        return bed.secrets().current(secretId).value();
    }

    private Map<String, List<String>> stages(String secretId) {
        return DatabaseSecrets.stages(bed.secrets().describe(secretId));
    }

    /**
     * After a completed rotation: the new credentials log in, nothing is pending. The old ones: the master's
     * (single user) no longer log in; the connection's (alternating users) still do, until the next rotation.
     */
    private void assertRotated(String secretId, DatabaseSecret before, String token) {
        DatabaseSecret after = current(secretId);
        assertThat(after.password()).isNotEqualTo(before.password());
        assertThat(bed.login(after)).as("new credentials").isEqualTo(LoginResult.ACCEPTED);
        assertThat(bed.login(before)).as("old credentials").isEqualTo(secretId.equals(master) ? LoginResult.REJECTED : LoginResult.ACCEPTED);
        Map<String, List<String>> stages = stages(secretId);
        assertThat(stages.get(token)).containsExactly("AWSCURRENT");
        assertThat(stages.values()).noneMatch(labels -> labels.contains("AWSPENDING"));
        assertThat(stages.values()).filteredOn(labels -> labels.contains("AWSPREVIOUS")).hasSize(1);
    }

    @Test
    void theConnectionSecretRotatesEndToEnd() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();

        List<RotationOutcome> outcomes = run(rotation(), connection, token, ALL);

        assertThat(outcomes).extracting(RotationOutcome::detail).containsExactly(
                "stored AWSPENDING for user app_user_clone",
                "created role app_user_clone (member of app_user) with the new password",
                "app_user_clone logs in with AWSPENDING",
                "moved AWSCURRENT to " + token);
        assertRotated(connection, before, token);
        assertThat(current(connection).username()).isEqualTo("app_user_clone");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);

        DbInitReport afterwards = bed.dbInit();
        assertThat(afterwards.changed()).isFalse();
        assertThat(afterwards.checks()).contains("app_user_clone logs in with the connection secret over TLS");
    }

    @Test
    void everyStepIsIdempotentARepeatMakesNoMutatingCall() {
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, ALL);
        try (AwsClients counted = bed.moto.clients()) {
            List<RotationOutcome> again = run(rotation(new DatabaseSecrets(counted.secretsManager())), connection, token, ALL);
            assertThat(again).noneMatch(RotationOutcome::changed);
            assertThat(counted.calls().mutating()).isZero();
        }
    }

    @Test
    void theNextRotationAlternatesBackToAppUser() {
        run(rotation(), connection, UUID.randomUUID().toString(), ALL);
        DatabaseSecret clone = current(connection);
        String second = UUID.randomUUID().toString();

        run(rotation(), connection, second, ALL);

        assertThat(current(connection).username()).isEqualTo("app_user");
        assertRotated(connection, clone, second);
    }

    @Test
    void aCrashInCreateSecretLeavesAwsCurrentWorkingAndARetryCompletes() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();

        Throwable crash = failing(rotation(bed.secrets(new CrashAfter(0))), connection, token, RotationStep.CREATE_SECRET);

        assertThat(crash).isInstanceOf(CrashAfter.SimulatedCrash.class).hasMessageContaining("PutSecretValue");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        run(rotation(), connection, token, ALL);
        assertRotated(connection, before, token);
    }

    @Test
    void anUnreachableDatabaseAtSetSecretLeavesAwsCurrentWorkingAndARetryCompletes() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, List.of(RotationStep.CREATE_SECRET));

        bed.proxy.setDown(true);
        Throwable t = failing(rotation(), connection, token, RotationStep.SET_SECRET);
        bed.proxy.setDown(false);

        assertThat(t).isInstanceOf(DatabaseUnreachableException.class).hasMessageContaining("is unreachable");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        assertThat(current(connection)).isEqualTo(before);
        run(rotation(), connection, token, ALL);
        assertRotated(connection, before, token);
    }

    @Test
    void aWrongPasswordAtTestSecretFailsTheStepLeavesAwsCurrentWorkingAndARetryCompletes() throws SQLException {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET));
        try (Connection c = bed.pg.superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE app_user_clone PASSWORD " + Postgres15.verifier("app_user_clone", Postgres15.randomPassword()));
        }

        Throwable t = failing(rotation(), connection, token, RotationStep.TEST_SECRET);

        assertThat(t).isInstanceOf(RotationException.class)
                .hasMessageContaining("testSecret of qualisys/database/connection version " + token)
                .hasMessageContaining("password authentication failed for user \"app_user_clone\"");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        List<RotationOutcome> retry = run(rotation(), connection, token, ALL);
        assertThat(retry.get(1).changed()).as("setSecret sets the password again").isTrue();
        assertRotated(connection, before, token);
    }

    @Test
    void aSecretsManagerFailureAtFinishSecretLeavesAwsCurrentWorkingAndARetryCompletes() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET, RotationStep.TEST_SECRET));

        Throwable t = failing(rotation(bed.secrets(new CrashAfter(0))), connection, token, RotationStep.FINISH_SECRET);

        assertThat(t).hasMessageContaining("UpdateSecretVersionStage");
        assertThat(current(connection)).isEqualTo(before);
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        run(rotation(), connection, token, List.of(RotationStep.FINISH_SECRET));
        assertRotated(connection, before, token);
    }

    @Test
    void finishSecretNeedsNoDatabaseAnUnreachableOneDoesNotStopAwsCurrentFromMoving() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET, RotationStep.TEST_SECRET));

        bed.proxy.setDown(true);
        RotationOutcome finished = rotation().run(connection, token, RotationStep.FINISH_SECRET);
        bed.proxy.setDown(false);

        assertThat(finished.detail()).isEqualTo("moved AWSCURRENT to " + token);
        assertRotated(connection, before, token);
    }

    @Test
    void aConnectionWithPreRotationCredentialsLogsInAfterOneRotationAndTheNextRotationRetiresThem() {
        DatabaseSecret cached = current(connection); // what a running application holds
        run(rotation(), connection, UUID.randomUUID().toString(), ALL);
        assertThat(current(connection).username()).isNotEqualTo(cached.username());
        assertThat(bed.login(cached)).as("after one rotation, the cached credentials still log in").isEqualTo(LoginResult.ACCEPTED);

        run(rotation(), connection, UUID.randomUUID().toString(), ALL);

        assertThat(current(connection).username()).isEqualTo(cached.username());
        assertThat(bed.login(cached)).as("the next rotation gave that user a new password").isEqualTo(LoginResult.REJECTED);
        assertThat(bed.login(current(connection))).isEqualTo(LoginResult.ACCEPTED);
    }

    @Test
    void theFunctionDyingBetweenStepsLeavesAwsCurrentWorkingAndARetryCompletes() {
        DatabaseSecret before = current(connection);
        String token = UUID.randomUUID().toString();
        run(rotation(), connection, token, List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET));
        // ... the function is killed here: no testSecret, no finishSecret

        assertThat(stages(connection).get(token)).containsExactly("AWSPENDING");
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        assertThat(current(connection)).isEqualTo(before);

        run(rotation(), connection, token, ALL);
        assertRotated(connection, before, token);
    }

    @Test
    void theMasterSecretRotatesWithASingleUser() {
        DatabaseSecret before = current(master);
        String token = UUID.randomUUID().toString();

        List<RotationOutcome> outcomes = run(rotation(), master, token, ALL);

        assertThat(outcomes.get(1).detail()).isEqualTo("role qualisys_admin changed its own password");
        assertRotated(master, before, token);
        assertThat(current(master).username()).isEqualTo("qualisys_admin");
        assertThat(bed.dbInit().changed()).as("db-init with the new master").isFalse();
        String next = UUID.randomUUID().toString();
        DatabaseSecret app = current(connection);
        run(rotation(), connection, next, ALL);
        assertRotated(connection, app, next);
    }

    @Test
    void aMasterRotationCutShortAfterSetSecretDoesNotLockOutTheControlPlane() {
        DatabaseSecret before = current(master);
        String token = UUID.randomUUID().toString();
        run(rotation(), master, token, List.of(RotationStep.CREATE_SECRET, RotationStep.SET_SECRET));
        assertThat(bed.login(before)).as("the database already has the pending password").isEqualTo(LoginResult.REJECTED);

        assertThat(bed.dbInit().changed()).as("db-init falls back to AWSPENDING").isFalse();
        assertThat(LogCapture.lines()).anyMatch(l -> l.contains("master AWSCURRENT of qualisys/database/master was refused; connecting with AWSPENDING"));

        run(rotation(), master, token, ALL);
        assertRotated(master, before, token);
    }

    @Test
    void stepsRefuseWhatIsNotARotationOfTheseSecrets() {
        bed.sm().createSecret(r -> r.name("qualisys/other").secretString("{}"));
        assertThatThrownBy(() -> rotation().run("qualisys/other", UUID.randomUUID().toString(), RotationStep.CREATE_SECRET))
                .hasMessage("secret qualisys/other is neither qualisys/database/connection nor qualisys/database/master: this function rotates only those");
        String unknown = UUID.randomUUID().toString();
        assertThatThrownBy(() -> rotation().run(connection, unknown, RotationStep.SET_SECRET))
                .hasMessage("secret qualisys/database/connection has no version " + unknown + " (setSecret runs after createSecret)");
        String current = DatabaseSecrets.versionWith(bed.secrets().describe(connection), "AWSCURRENT").orElseThrow();
        String previous = DatabaseSecrets.versionWith(bed.secrets().describe(connection), "AWSPREVIOUS").orElseThrow();
        assertThat(rotation().run(connection, current, RotationStep.SET_SECRET).detail()).isEqualTo("version is already AWSCURRENT: nothing to do");
        assertThatThrownBy(() -> rotation().run(connection, previous, RotationStep.TEST_SECRET))
                .hasMessage("version " + previous + " of qualisys/database/connection is not AWSPENDING (labels [AWSPREVIOUS])");
        assertThatThrownBy(() -> RotationStep.fromEvent("rotate"))
                .hasMessage("Step rotate is not a rotation step; expected one of createSecret, setSecret, testSecret, finishSecret");
    }
}
