package com.qualisys.controlplane.database;

import com.qualisys.controlplane.spec.RdsSpec;

/**
 * What the database functions need from the spec ({@code rds.*}): the two secrets, the role
 * names and the rotation schedule. The connection secret's user alternates between
 * {@link #appUser()} and {@link #alternateAppUser()} (see SecretRotation).
 */
public record DatabaseSettings(
        String masterSecretId,
        String connectionSecretId,
        String masterUsername,
        String appUser,
        String databaseName,
        int rotationDays) {

    public static DatabaseSettings from(RdsSpec rds) {
        return new DatabaseSettings(rds.secrets().master(), rds.secrets().connection(), rds.masterUsername(),
                rds.secrets().appUser(), rds.databaseName(), rds.secrets().rotationDays());
    }

    /** The second login role of the alternating-users rotation: a member of app_user, same limits. */
    public String alternateAppUser() {
        return appUser + "_clone";
    }

    public boolean isAppUser(String username) {
        return appUser.equals(username) || alternateAppUser().equals(username);
    }
}
