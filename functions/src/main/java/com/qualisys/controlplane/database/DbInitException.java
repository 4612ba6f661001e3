package com.qualisys.controlplane.database;

/** db-init stopped: a statement or a check failed. Its message never holds a secret. */
public final class DbInitException extends RuntimeException {
    public DbInitException(String message) {
        super(message);
    }
}
