package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.DbInitHandler;
import com.qualisys.controlplane.handlers.SecretRotationHandler;
import com.qualisys.controlplane.testing.LogCapture;
import com.qualisys.controlplane.testing.NoSecretsInLogs;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The two Lambda handlers, with their documented inputs, against PostgreSQL 15 and moto. */
@ExtendWith(NoSecretsInLogs.class)
class DatabaseHandlersTest {
    private DatabaseTestbed bed;
    private ControlPlane controlPlane;

    @BeforeEach
    void setUp() {
        bed = new DatabaseTestbed();
        controlPlane = new ControlPlane(TestSpecs.loader(), spec -> bed.moto.clients(), List.of(),
                ControlPlane.Settings.fromEnvironmentVariables(Map.of()));
    }

    @AfterEach
    void tearDown() {
        bed.watchAllVersions(bed.settings.connectionSecretId());
        bed.watchAllVersions(bed.settings.masterSecretId());
        bed.close();
    }

    @Test
    void dbInitTakesTheEnvironmentAndReportsWhatItChangedThenNothing() {
        DbInitHandler handler = new DbInitHandler(controlPlane, TlsPolicy.require());

        Map<String, Object> first = handler.handleRequest(Map.of("environment", "dev"), null);
        Map<String, Object> second = handler.handleRequest(Map.of("environment", "dev"), null);

        assertThat(first).containsEntry("database", "qualisys_master").containsEntry("changed", true)
                .containsEntry("role", "created").containsEntry("extension", "created");
        assertThat(second).containsEntry("changed", false).containsEntry("role", "unchanged").containsEntry("changes", List.of());
        assertThat((List<?>) second.get("checks")).hasSize(14);
        assertThatThrownBy(() -> handler.handleRequest(Map.of("environment", 7), null))
                .hasMessage("input field 'environment' must be a non-empty string, got 7 (Integer)");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("environment", "qa"), null))
                .hasMessageContaining("qa is not a known environment");
    }

    @Test
    void theRotationHandlerTakesSecretsManagersEventAndTheHealthStep() {
        new DbInitHandler(controlPlane, TlsPolicy.require()).handleRequest(Map.of("environment", "dev"), null);
        String id = bed.settings.connectionSecretId();
        bed.enableRotation(id);
        bed.enableRotation(bed.settings.masterSecretId());
        String arn = bed.sm().describeSecret(r -> r.secretId(id)).arn();
        DatabaseSecret before = bed.secrets().current(id).value();
        Clock clock = Clock.systemUTC();
        SecretRotationHandler handler = new SecretRotationHandler(controlPlane, "dev", TlsPolicy.require(), clock);
        String token = UUID.randomUUID().toString();

        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            Map<String, Object> out = handler.handleRequest(Map.of("SecretId", arn, "ClientRequestToken", token, "Step", step), null);
            assertThat(out).containsEntry("step", step.replaceAll("([A-Z])", "_$1").toUpperCase()).containsEntry("versionId", token);
        }
        // Alternating users: the previous credentials stay valid until the next rotation retires them.
        assertThat(bed.login(before)).isEqualTo(LoginResult.ACCEPTED);
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);
        String next = UUID.randomUUID().toString();
        for (String step : List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            handler.handleRequest(Map.of("SecretId", arn, "ClientRequestToken", next, "Step", step), null);
        }
        assertThat(bed.login(before)).isEqualTo(LoginResult.REJECTED);
        assertThat(bed.applicationLogin()).isEqualTo(LoginResult.ACCEPTED);

        Map<String, Object> health = handler.handleRequest(Map.of("Step", "health"), null);
        assertThat(health).containsEntry("healthy", true);
        assertThat(health).containsKeys("checkedAt", "secretsManager", "database", "secrets");

        SecretRotationHandler aMonthLater = new SecretRotationHandler(controlPlane, "dev", TlsPolicy.require(),
                Clock.fixed(Instant.now().plus(Duration.ofDays(40)), ZoneOffset.UTC));
        Throwable unhealthy = DbInitTest.catchAll(() -> aMonthLater.handleRequest(Map.of("Step", "health", "Repair", false), null));
        assertThat(unhealthy).isInstanceOf(SecretRotationHandler.RotationUnhealthyException.class)
                .hasMessage("database secret rotation is unhealthy: qualisys/database/connection: ROTATION_OVERDUE, "
                        + "qualisys/database/master: ROTATION_OVERDUE");
        LogCapture.assertNoSecretIn(unhealthy);
        assertThat(LogCapture.lines()).anyMatch(l -> l.contains("ERROR rotation health: UNHEALTHY"));
    }

    @Test
    void theRotationHandlerNeedsItsEnvironmentAndAKnownStep() {
        SecretRotationHandler noEnvironment = new SecretRotationHandler(controlPlane, null, TlsPolicy.require(), Clock.systemUTC());
        assertThatThrownBy(() -> noEnvironment.handleRequest(Map.of("Step", "health"), null))
                .hasMessage("QUALISYS_ENVIRONMENT is not set and the input has no 'environment': the rotation function needs its environment");
        SecretRotationHandler handler = new SecretRotationHandler(controlPlane, "dev", TlsPolicy.require(), Clock.systemUTC());
        assertThatThrownBy(() -> handler.handleRequest(Map.of("Step", "setSecret", "SecretId", "x"), null))
                .hasMessage("input field 'ClientRequestToken' is missing");
        assertThatThrownBy(() -> handler.handleRequest(Map.of("Step", "rotate"), null))
                .hasMessage("input field 'Step' rotate is not a rotation step; expected one of createSecret, setSecret, testSecret, finishSecret, or health");
    }
}
