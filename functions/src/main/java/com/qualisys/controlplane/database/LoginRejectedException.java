package com.qualisys.controlplane.database;

/** The database answered and refused these credentials. */
public final class LoginRejectedException extends RuntimeException {
    public LoginRejectedException(String message) {
        super(message);
    }
}
