package com.qualisys.controlplane.database;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseConnector.LoginResult;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.emulator.TcpProxy;
import com.qualisys.controlplane.testing.LogCapture;
import com.qualisys.controlplane.testing.Postgres15;
import com.qualisys.controlplane.testing.TestSpecs;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The world the database functions live in, for tests: the real PostgreSQL 15 behind a TCP proxy
 * (so a test can make it unreachable), moto's Secrets Manager holding the two secrets of the dev
 * spec, and the connector the functions use (TLS required, as in AWS).
 */
final class DatabaseTestbed implements AutoCloseable {
    final Postgres15 pg = Postgres15.shared();
    final MotoServer moto = MotoServer.shared();
    final TcpProxy proxy = new TcpProxy(Postgres15.HOST, pg.port());
    final DatabaseSettings settings = DatabaseSettings.from(TestSpecs.load("dev").rds());
    final DatabaseConnector connector = new DatabaseConnector(TlsPolicy.require(), "qualisys-test", 3);
    final AwsClients aws = moto.clients();
    String appPassword;

    /** Empty account and database; the two secrets as the RDS layer leaves them (app_user not created yet). */
    DatabaseTestbed() {
        LogCapture.install();
        moto.reset();
        pg.reset();
        appPassword = Postgres15.randomPassword();
        LogCapture.watch(appPassword);
        DatabaseSecret master = new DatabaseSecret(Postgres15.MASTER, pg.masterPassword(), "postgres", Postgres15.HOST,
                proxy.port(), Postgres15.DATABASE);
        DatabaseSecret app = master.withCredentials(settings.appUser(), appPassword);
        sm().createSecret(r -> r.name(settings.masterSecretId()).secretString(master.toJson()));
        sm().createSecret(r -> r.name(settings.connectionSecretId()).secretString(app.toJson()));
    }

    SecretsManagerClient sm() {
        return aws.secretsManager();
    }

    DatabaseSecrets secrets() {
        return new DatabaseSecrets(sm());
    }

    /** Secrets Manager clients with extra interceptors (failure injection), same emulator. */
    DatabaseSecrets secrets(ExecutionInterceptor... interceptors) {
        return new DatabaseSecrets(moto.clients(interceptors).secretsManager());
    }

    DbInitReport dbInit() {
        return new DbInit(secrets(), connector, settings, DbInitScript.text()).run();
    }

    /**
     * Turns rotation on with the spec's schedule, as the CDK rotation schedule does. moto needs a
     * RotateSecret call for that; without a Lambda ARN it copies the current value into a new
     * AWSCURRENT version (docs/emulator-gaps.md), which changes no credentials.
     */
    void enableRotation(String secretId) {
        sm().rotateSecret(r -> r.secretId(secretId).rotateImmediately(false)
                .rotationRules(rr -> rr.automaticallyAfterDays((long) settings.rotationDays())));
    }

    /** What the application does: read AWSCURRENT of the connection secret and log in with it. */
    LoginResult applicationLogin() {
        return connector.tryLogin(secrets().current(settings.connectionSecretId()).value());
    }

    LoginResult login(DatabaseSecret secret) {
        return connector.tryLogin(secret);
    }

    /** Every password any version of the secret ever held becomes a watched secret. */
    void watchAllVersions(String secretId) {
        for (var v : sm().listSecretVersionIds(r -> r.secretId(secretId).includeDeprecated(true)).versions()) {
            try {
                String json = sm().getSecretValue(r -> r.secretId(secretId).versionId(v.versionId())).secretString();
                if (json != null) LogCapture.watch(DatabaseSecret.parse(secretId, json).password());
            } catch (RuntimeException noValue) {
                // a version without a value (or not parseable) holds no password
            }
        }
    }

    @Override
    public void close() {
        proxy.close();
        aws.close();
    }
}
