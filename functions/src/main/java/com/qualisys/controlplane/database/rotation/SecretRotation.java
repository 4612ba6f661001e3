package com.qualisys.controlplane.database.rotation;

import static com.qualisys.controlplane.database.SecretVersion.CURRENT;
import static com.qualisys.controlplane.database.SecretVersion.PENDING;
import static com.qualisys.controlplane.database.SecretVersion.PREVIOUS;

import com.qualisys.controlplane.database.DatabaseConnector;
import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.database.DatabaseSecret;
import com.qualisys.controlplane.database.DatabaseSecrets;
import com.qualisys.controlplane.database.DatabaseSettings;
import com.qualisys.controlplane.database.DatabaseUnreachableException;
import com.qualisys.controlplane.database.LoginRejectedException;
import com.qualisys.controlplane.database.MasterAccess;
import com.qualisys.controlplane.database.SecretVersion;
import com.qualisys.controlplane.database.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/**
 * The Secrets Manager rotation protocol for the two database secrets: createSecret stores a new
 * AWSPENDING version, setSecret gives the database that password, testSecret logs in with it,
 * finishSecret moves AWSCURRENT to it (Secrets Manager moves AWSPREVIOUS to the old version).
 *
 * <p>Every step is idempotent: it looks first and does only what is missing, so Secrets
 * Manager's retries, or a retry after the function died between steps, complete the rotation.
 * The connection secret rotates with alternating users, the master secret with a single user
 * ({@link RotationStrategy}).
 */
public final class SecretRotation {
    private static final Logger LOG = LoggerFactory.getLogger(SecretRotation.class);

    private final DatabaseSecrets secrets;
    private final DatabaseConnector connector;
    private final DatabaseSettings settings;
    private final PasswordGenerator passwords;

    public SecretRotation(DatabaseSecrets secrets, DatabaseConnector connector, DatabaseSettings settings) {
        this.secrets = secrets;
        this.connector = connector;
        this.settings = settings;
        this.passwords = new PasswordGenerator(secrets.client());
    }

    /** The strategy for a secret by name; only the two database secrets of the spec rotate here. */
    public RotationStrategy strategyFor(String secretName) {
        if (secretName.equals(settings.connectionSecretId())) {
            return new RotationStrategy.AlternatingUsers(settings.appUser(), settings.alternateAppUser());
        }
        if (secretName.equals(settings.masterSecretId())) return new RotationStrategy.SingleUser(settings.masterUsername());
        throw new RotationException("secret " + secretName + " is neither " + settings.connectionSecretId() + " nor "
                + settings.masterSecretId() + ": this function rotates only those");
    }

    public RotationOutcome run(String secretId, String token, RotationStep step) {
        if (token == null || token.isBlank()) throw new RotationException("ClientRequestToken is missing for step " + step.eventName());
        DescribeSecretResponse description = secrets.describe(secretId);
        String name = description.name();
        RotationStrategy strategy = strategyFor(name);
        if (!Boolean.TRUE.equals(description.rotationEnabled())) {
            throw new RotationException("secret " + name + " is not enabled for rotation");
        }
        List<String> labels = DatabaseSecrets.stages(description).get(token);
        if (labels == null && step != RotationStep.CREATE_SECRET) {
            throw new RotationException("secret " + name + " has no version " + token + " (" + step.eventName()
                    + " runs after createSecret)");
        }
        if (labels != null && labels.contains(CURRENT) && step != RotationStep.FINISH_SECRET) {
            return outcome(name, token, step, false, "version is already AWSCURRENT: nothing to do");
        }
        if (labels != null && !labels.contains(CURRENT) && !labels.contains(PENDING)) {
            throw new RotationException("version " + token + " of " + name + " is not AWSPENDING (labels " + labels + ")");
        }
        LOG.info("rotation {} of {} version {} ({})", step.eventName(), name, token, strategy.getClass().getSimpleName());
        return switch (step) {
            case CREATE_SECRET -> createSecret(name, token, strategy);
            case SET_SECRET -> setSecret(name, token, strategy);
            case TEST_SECRET -> testSecret(name, token, strategy);
            case FINISH_SECRET -> finishSecret(name, token, strategy, description);
        };
    }

    private RotationOutcome createSecret(String name, String token, RotationStrategy strategy) {
        SecretVersion current = secrets.current(name);
        if (secrets.byVersion(name, token, PENDING).isPresent()) {
            return outcome(name, token, RotationStep.CREATE_SECRET, false, "AWSPENDING already stored");
        }
        String username = strategy.nextUsername(current.value().username());
        DatabaseSecret pending = current.value().withCredentials(username, passwords.generate());
        secrets.client().putSecretValue(r -> r.secretId(name).clientRequestToken(token)
                .secretString(pending.toJson()).versionStages(PENDING));
        return outcome(name, token, RotationStep.CREATE_SECRET, true, "stored AWSPENDING for user " + username);
    }

    private RotationOutcome setSecret(String name, String token, RotationStrategy strategy) {
        DatabaseSecret pending = pending(name, token, RotationStep.SET_SECRET);
        LoginResult login = connector.tryLogin(pending);
        if (login == LoginResult.ACCEPTED) {
            return outcome(name, token, RotationStep.SET_SECRET, false, "the database already accepts AWSPENDING");
        }
        if (login == LoginResult.UNREACHABLE) {
            throw new DatabaseUnreachableException("setSecret of " + name + ": the database " + pending.host() + ":"
                    + pending.port() + " is unreachable");
        }
        String detail = switch (strategy) {
            case RotationStrategy.AlternatingUsers users -> {
                DatabaseSecret current = secrets.current(name).value();
                if (pending.username().equals(current.username())) {
                    throw new RotationException("setSecret of " + name + ": AWSPENDING and AWSCURRENT are both user "
                            + current.username() + "; refusing to change the password the application uses");
                }
                try (Connection master = new MasterAccess(secrets, connector, settings).open()) {
                    yield LoginRoles.setApplicationPassword(master, pending.username(), users.primary(), pending.password());
                } catch (SQLException closeFailed) {
                    yield "set the new password on role " + pending.username();
                }
            }
            case RotationStrategy.SingleUser user -> {
                try (Connection self = openAsSelf(name, pending.username())) {
                    LoginRoles.setOwnPassword(self, user.username(), pending.password());
                    yield "role " + user.username() + " changed its own password";
                } catch (SQLException closeFailed) {
                    yield "role " + user.username() + " changed its own password";
                }
            }
        };
        return outcome(name, token, RotationStep.SET_SECRET, true, detail);
    }

    /** Single user: log in with AWSCURRENT, or with AWSPREVIOUS if a rotation was cut short. */
    private Connection openAsSelf(String name, String username) {
        SecretVersion current = secrets.current(name);
        try {
            return connector.open(current.value());
        } catch (LoginRejectedException rejected) {
            Optional<SecretVersion> previous = secrets.byStage(name, PREVIOUS);
            if (previous.isEmpty() || !previous.get().value().username().equals(username)) throw rejected;
            return connector.open(previous.get().value());
        }
    }

    private RotationOutcome testSecret(String name, String token, RotationStrategy strategy) {
        DatabaseSecret pending = pending(name, token, RotationStep.TEST_SECRET);
        String sql = "SELECT current_user, r.rolsuper, r.rolbypassrls, "
                + "coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false), "
                + (strategy instanceof RotationStrategy.AlternatingUsers u
                        ? "pg_has_role(current_user, '" + u.primary() + "', 'USAGE')" : "true")
                + " FROM pg_roles r WHERE r.rolname = current_user";
        try (Connection c = connector.open(pending); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            if (!pending.username().equals(rs.getString(1))) {
                throw new RotationException("testSecret of " + name + ": logged in as " + rs.getString(1) + ", not " + pending.username());
            }
            if (strategy instanceof RotationStrategy.AlternatingUsers && (rs.getBoolean(2) || rs.getBoolean(3) || !rs.getBoolean(5))) {
                throw new RotationException("testSecret of " + name + ": " + pending.username()
                        + " must be a member of " + settings.appUser() + " without SUPERUSER or BYPASSRLS");
            }
            if (connector.tls().encrypts() && !rs.getBoolean(4)) {
                throw new RotationException("testSecret of " + name + ": the connection is not encrypted");
            }
        } catch (LoginRejectedException | DatabaseUnreachableException e) {
            throw new RotationException("testSecret of " + name + " version " + token + ": " + e.getMessage());
        } catch (SQLException e) {
            throw new RotationException("testSecret of " + name + ": " + SqlErrors.describe(e));
        }
        return outcome(name, token, RotationStep.TEST_SECRET, false, pending.username() + " logs in with AWSPENDING");
    }

    private RotationOutcome finishSecret(String name, String token, RotationStrategy strategy, DescribeSecretResponse description) {
        StringBuilder detail = new StringBuilder();
        boolean changed = false;
        String currentVersion = DatabaseSecrets.versionWith(description, CURRENT).orElse(null);
        if (!token.equals(currentVersion)) {
            secrets.client().updateSecretVersionStage(r -> r.secretId(name).versionStage(CURRENT)
                    .moveToVersionId(token).removeFromVersionId(currentVersion));
            detail.append("moved AWSCURRENT to ").append(token);
            changed = true;
        }
        // The version is current now; a label AWSPENDING left on it would read as a rotation in progress.
        Map<String, List<String>> stages = DatabaseSecrets.stages(changed ? secrets.describe(name) : description);
        if (stages.getOrDefault(token, List.of()).contains(PENDING)) {
            secrets.client().updateSecretVersionStage(r -> r.secretId(name).versionStage(PENDING).removeFromVersionId(token));
            changed = true;
        }
        return outcome(name, token, RotationStep.FINISH_SECRET, changed, detail.isEmpty() ? "already finished" : detail.toString());
    }

    private DatabaseSecret pending(String name, String token, RotationStep step) {
        return secrets.byVersion(name, token, PENDING).map(SecretVersion::value).orElseThrow(() -> new RotationException(
                step.eventName() + " of " + name + ": version " + token + " has no AWSPENDING value (createSecret has not run)"));
    }

    private static RotationOutcome outcome(String name, String token, RotationStep step, boolean changed, String detail) {
        LOG.info("rotation {} of {} version {}: {}", step.eventName(), name, token, detail);
        return new RotationOutcome(name, token, step, changed, detail);
    }
}
