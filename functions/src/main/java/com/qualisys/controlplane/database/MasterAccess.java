package com.qualisys.controlplane.database;

import java.sql.Connection;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects as the master user. The master secret rotates with a single user: between its
 * setSecret and finishSecret steps the database already has the AWSPENDING password while
 * AWSCURRENT still holds the old one. So a rejected AWSCURRENT is retried with AWSPENDING, and
 * the control plane is never locked out by a rotation interrupted there.
 */
public final class MasterAccess {
    private static final Logger LOG = LoggerFactory.getLogger(MasterAccess.class);

    private final DatabaseSecrets secrets;
    private final DatabaseConnector connector;
    private final DatabaseSettings settings;

    public MasterAccess(DatabaseSecrets secrets, DatabaseConnector connector, DatabaseSettings settings) {
        this.secrets = secrets;
        this.connector = connector;
        this.settings = settings;
    }

    public Connection open() {
        SecretVersion current = secrets.current(settings.masterSecretId());
        checkIdentity(current);
        try {
            return connector.open(current.value());
        } catch (LoginRejectedException rejected) {
            Optional<SecretVersion> pending = secrets.byStage(settings.masterSecretId(), SecretVersion.PENDING);
            if (pending.isEmpty()) throw rejected;
            LOG.warn("master AWSCURRENT of {} was refused; connecting with AWSPENDING version {}: a rotation stopped between "
                    + "setSecret and finishSecret", settings.masterSecretId(), pending.get().versionId());
            checkIdentity(pending.get());
            return connector.open(pending.get().value());
        }
    }

    /** The master secret as stored (AWSCURRENT), for its host, port and database. */
    public DatabaseSecret currentSecret() {
        return secrets.current(settings.masterSecretId()).value();
    }

    private void checkIdentity(SecretVersion v) {
        if (!settings.masterUsername().equals(v.value().username())) {
            throw new IllegalStateException("secret " + settings.masterSecretId() + ": username " + v.value().username()
                    + " is not rds.masterUsername " + settings.masterUsername());
        }
        if (!settings.databaseName().equals(v.value().dbname())) {
            throw new IllegalStateException("secret " + settings.masterSecretId() + ": dbname " + v.value().dbname()
                    + " is not rds.databaseName " + settings.databaseName());
        }
    }
}
