package com.qualisys.controlplane.database;

/** The database did not answer (network, DNS, TLS handshake, server down). */
public final class DatabaseUnreachableException extends RuntimeException {
    public DatabaseUnreachableException(String message) {
        super(message);
    }
}
