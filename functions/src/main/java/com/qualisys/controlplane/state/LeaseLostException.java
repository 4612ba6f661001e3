package com.qualisys.controlplane.state;

/**
 * A lease could not be renewed or released because it is no longer this run's: it expired and
 * another run took the environment over. The run must stop changing things.
 */
public class LeaseLostException extends RuntimeException {
    public LeaseLostException(String environment, String holder, String currentHolder) {
        super("the apply lease of " + holder + " on environment " + environment + " is no longer held"
                + (currentHolder == null ? "" : "; " + currentHolder + " holds the environment now"));
    }

    protected LeaseLostException(String message) {
        super(message);
    }
}
