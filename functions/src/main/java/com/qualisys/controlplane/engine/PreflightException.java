package com.qualisys.controlplane.engine;

/** A check before any mutating call failed (e.g. a version AWS no longer offers); nothing was changed. */
public class PreflightException extends RuntimeException {
    public PreflightException(String message) {
        super(message);
    }
}
