package com.qualisys.controlplane.database.rotation;

/** A rotation step cannot proceed. The message names the secret, version and step, never a value. */
public final class RotationException extends RuntimeException {
    public RotationException(String message) {
        super(message);
    }
}
