package com.qualisys.controlplane.handlers;

/** The input document is unusable; nothing was changed. Never retried by the state machines. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }
}
