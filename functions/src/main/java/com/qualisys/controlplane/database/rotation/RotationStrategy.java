package com.qualisys.controlplane.database.rotation;

/**
 * Which database role a secret's rotation changes.
 *
 * <p>{@link AlternatingUsers} (the connection secret): AWS's "alternating users" strategy. Each
 * rotation sets a new password on the role that is NOT in AWSCURRENT (app_user or its clone
 * app_user_clone, a member of app_user with the same limits) and then makes that role current.
 * AWSCURRENT therefore logs in at every moment of a rotation, also when a step fails or the
 * function dies between steps. The previous role keeps its password until the next rotation
 * gives it a new one (AWS's alternating-users pattern): an application that cached the
 * pre-rotation credentials (a connection pool, a long-running job) keeps logging in for one
 * rotation period, and the rotation after retires them.
 *
 * <p>{@link SingleUser} (the master secret): the master changes its own password. Between
 * setSecret and finishSecret the database has the AWSPENDING password; the control plane's
 * {@code MasterAccess} then falls back to AWSPENDING. Nothing but the control plane and people
 * use the master, so that window costs the application nothing.
 */
public sealed interface RotationStrategy {
    /** The user the next version of the secret logs in as, given the current one. */
    String nextUsername(String currentUsername);

    record AlternatingUsers(String primary, String alternate) implements RotationStrategy {
        @Override
        public String nextUsername(String currentUsername) {
            if (primary.equals(currentUsername)) return alternate;
            if (alternate.equals(currentUsername)) return primary;
            throw new IllegalStateException("the current user " + currentUsername + " is neither " + primary + " nor " + alternate);
        }
    }

    record SingleUser(String username) implements RotationStrategy {
        @Override
        public String nextUsername(String currentUsername) {
            if (!username.equals(currentUsername)) {
                throw new IllegalStateException("the current user " + currentUsername + " is not " + username);
            }
            return username;
        }
    }
}
