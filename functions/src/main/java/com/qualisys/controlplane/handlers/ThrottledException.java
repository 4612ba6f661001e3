package com.qualisys.controlplane.handlers;

/**
 * AWS throttled a call the handler made. The state machines retry it with backoff (they match
 * this class's name, which is the errorType the Java Lambda runtime reports).
 */
public class ThrottledException extends RuntimeException {
    public ThrottledException(String message, Throwable cause) {
        super(message, cause);
    }
}
