package com.qualisys.controlplane.database.rotation;

import static com.qualisys.controlplane.database.SecretVersion.PENDING;

import com.qualisys.controlplane.database.DatabaseConnector;
import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.database.DatabaseSecrets;
import com.qualisys.controlplane.database.DatabaseSettings;
import com.qualisys.controlplane.database.MasterAccess;
import com.qualisys.controlplane.database.SecretVersion;
import com.qualisys.controlplane.database.SqlErrors;
import com.qualisys.controlplane.database.rotation.RotationHealthReport.Problem;
import com.qualisys.controlplane.database.rotation.RotationHealthReport.Reachability;
import com.qualisys.controlplane.database.rotation.RotationHealthReport.SecretHealth;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/**
 * Checks, from where the rotation function runs, that rotation can work and has worked: Secrets
 * Manager and the database are reachable, rotation is on with the spec's schedule, the current
 * credentials log in, no rotation is stuck half way, and no rotation is overdue. With repair on, a
 * stuck rotation is resumed (its steps are idempotent) or, when that fails and AWSCURRENT still logs
 * in, cancelled so the next scheduled rotation can start. The previous alternating user logging in
 * is expected (it keeps its password until the next rotation) and not a problem. Nothing is repaired
 * that could lock the application out.
 */
public final class RotationHealth {
    private static final Logger LOG = LoggerFactory.getLogger(RotationHealth.class);
    /** Rotation runs some time on its due day; a day later it is overdue. */
    static final Duration OVERDUE_GRACE = Duration.ofDays(1);
    /** A pending version younger than this may belong to a rotation still running. */
    public static final Duration STUCK_AFTER = Duration.ofHours(1);

    private final DatabaseSecrets secrets;
    private final DatabaseConnector connector;
    private final DatabaseSettings settings;
    private final SecretRotation rotation;
    private final Clock clock;

    public RotationHealth(DatabaseSecrets secrets, DatabaseConnector connector, DatabaseSettings settings, Clock clock) {
        this.secrets = secrets;
        this.connector = connector;
        this.settings = settings;
        this.rotation = new SecretRotation(secrets, connector, settings);
        this.clock = clock;
    }

    public RotationHealthReport check(boolean repair) {
        Instant now = clock.instant();
        Reachability sm = probeSecretsManager();
        Reachability db = sm.reachable() ? probeDatabase() : new Reachability(false, 0, "not checked: Secrets Manager is unreachable");
        List<SecretHealth> health = new ArrayList<>();
        if (sm.reachable()) {
            for (String id : List.of(settings.connectionSecretId(), settings.masterSecretId())) {
                health.add(checkSecret(id, now, repair && db.reachable(), db.reachable()));
            }
        }
        boolean healthy = sm.reachable() && db.reachable() && health.stream().allMatch(SecretHealth::healthy);
        RotationHealthReport report = new RotationHealthReport(now, healthy, sm, db, health);
        if (healthy) {
            LOG.info("rotation health: healthy ({} repairs)", health.stream().mapToLong(h -> h.problems().size()).sum());
        } else {
            LOG.error("rotation health: UNHEALTHY: {}", report.openProblems());
        }
        return report;
    }

    private Reachability probeSecretsManager() {
        long start = System.nanoTime();
        try {
            secrets.describe(settings.connectionSecretId());
            return new Reachability(true, millisSince(start), null);
        } catch (SdkException e) {
            return new Reachability(false, millisSince(start), e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private Reachability probeDatabase() {
        long start = System.nanoTime();
        try (Connection c = new MasterAccess(secrets, connector, settings).open(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return new Reachability(true, millisSince(start), null);
        } catch (SQLException e) {
            return new Reachability(false, millisSince(start), SqlErrors.describe(e));
        } catch (RuntimeException e) {
            return new Reachability(false, millisSince(start), e.getMessage());
        }
    }

    private SecretHealth checkSecret(String id, Instant now, boolean repair, boolean databaseReachable) {
        List<Problem> problems = new ArrayList<>();
        RotationStrategy strategy = rotation.strategyFor(id);
        DescribeSecretResponse d = secrets.describe(id);
        boolean enabled = Boolean.TRUE.equals(d.rotationEnabled());
        Integer days = d.rotationRules() == null || d.rotationRules().automaticallyAfterDays() == null
                ? null : d.rotationRules().automaticallyAfterDays().intValue();
        if (!enabled) problems.add(open("ROTATION_DISABLED", "rotation is not enabled on " + id));
        if (enabled && (days == null || days != settings.rotationDays())) {
            problems.add(open("SCHEDULE_MISMATCH", "rotation runs every " + days + " days; rds.secrets.rotationDays is "
                    + settings.rotationDays()));
        }

        SecretVersion current = secrets.current(id);
        // The current version's creation is when the last rotation finished; LastRotatedDate is
        // when the last one started (and some emulators never move it).
        Instant lastRotated = latest(d.lastRotatedDate(), current.created());
        int scheduleDays = days != null ? days : settings.rotationDays();
        Instant due = lastRotated == null ? null : lastRotated.plus(Duration.ofDays(scheduleDays));
        if (due != null && now.isAfter(due.plus(OVERDUE_GRACE))) {
            problems.add(open("ROTATION_OVERDUE", "the current version dates from " + lastRotated + "; rotation was due " + due
                    + ": rotate it (aws secretsmanager rotate-secret --secret-id " + id + ") and check the function's logs"));
        }

        Optional<String> pending = d.versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains(PENDING) && !e.getValue().contains(SecretVersion.CURRENT))
                .map(Map.Entry::getKey).findFirst();
        if (pending.isPresent()) {
            Optional<SecretVersion> pendingValue = secrets.byVersion(id, pending.get(), PENDING);
            boolean mayStillRun = pendingValue.isPresent() && pendingValue.get().created() != null
                    && pendingValue.get().created().isAfter(now.minus(STUCK_AFTER));
            if (!mayStillRun) problems.add(stuck(id, pending.get(), repair && enabled));
        }

        Boolean currentLogsIn = null;
        if (databaseReachable) {
            current = secrets.current(id);
            currentLogsIn = connector.tryLogin(current.value()) == LoginResult.ACCEPTED;
            if (!currentLogsIn) {
                problems.add(open("CURRENT_LOGIN_REJECTED", "AWSCURRENT (" + current.value().username()
                        + ") cannot log in: the application is locked out; run the rotation again or db-init"));
            }
        }
        Optional<String> stillPending = DatabaseSecrets.versionWith(secrets.describe(id), PENDING)
                .filter(v -> !v.equals(DatabaseSecrets.versionWith(d, SecretVersion.CURRENT).orElse("")));
        return new SecretHealth(id, strategy instanceof RotationStrategy.AlternatingUsers ? "alternating users" : "single user",
                enabled, days, lastRotated, due, current.value().username(), currentLogsIn, stillPending.orElse(null), problems);
    }

    private Problem stuck(String id, String token, boolean repair) {
        String detail = "version " + token + " has AWSPENDING but is not AWSCURRENT: a rotation did not finish";
        if (!repair) return open("STUCK_PENDING", detail);
        try {
            for (RotationStep step : List.of(RotationStep.SET_SECRET, RotationStep.TEST_SECRET, RotationStep.FINISH_SECRET)) {
                rotation.run(id, token, step);
            }
            return new Problem("STUCK_PENDING", detail, true, "resumed the rotation: setSecret, testSecret and finishSecret completed");
        } catch (RuntimeException resumeFailed) {
            String why = resumeFailed.getMessage();
            if (connector.tryLogin(secrets.current(id).value()) == LoginResult.ACCEPTED) {
                secrets.client().updateSecretVersionStage(r -> r.secretId(id).versionStage(PENDING).removeFromVersionId(token));
                return new Problem("STUCK_PENDING", detail, true, "resuming failed (" + why
                        + "); AWSCURRENT still logs in, so the pending version was cancelled (AWSPENDING removed)");
            }
            return new Problem("STUCK_PENDING", detail, false, "resuming failed (" + why + ") and AWSCURRENT does not log in: left as is");
        }
    }

    private static Problem open(String code, String detail) {
        return new Problem(code, detail, false, null);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isAfter(b) ? a : b;
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
