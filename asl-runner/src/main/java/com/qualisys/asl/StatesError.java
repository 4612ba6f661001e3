package com.qualisys.asl;

/**
 * An error raised while interpreting a state: what Retry and Catch see. Internal to the runner;
 * callers see the error name and cause in {@link ExecutionResult}.
 */
final class StatesError extends RuntimeException {
    private final String error;
    private final String errorCause;
    private final boolean terminal;

    StatesError(String error, String cause) {
        this(error, cause, false);
    }

    private StatesError(String error, String cause, boolean terminal) {
        super(cause == null ? error : error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
        this.terminal = terminal;
    }

    /**
     * An error that ends the execution whatever the Retry and Catch fields say: the state machine's
     * own TimeoutSeconds elapsing, States.Runtime, States.DataLimitExceeded.
     */
    boolean isTerminal() {
        return terminal || !StatesErrors.isHandleable(error);
    }

    static StatesError executionTimeout(String cause) {
        return new StatesError(StatesErrors.TIMEOUT, cause, true);
    }

    String error() {
        return error;
    }

    /** The ASL "Cause" (may be null). */
    String errorCause() {
        return errorCause;
    }

    static StatesError runtime(String cause) {
        return new StatesError(StatesErrors.RUNTIME, cause);
    }
}
