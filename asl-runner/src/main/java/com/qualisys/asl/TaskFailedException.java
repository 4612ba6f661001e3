package com.qualisys.asl;

/**
 * A Task failed with an AWS-style error name (e.g. {@code Lambda.TooManyRequestsException},
 * {@code States.TaskFailed}, or a handler's own error type) and a cause: what Retry and Catch
 * match on.
 */
public class TaskFailedException extends Exception {
    private final String error;
    private final String errorCause;

    public TaskFailedException(String error, String cause) {
        this(error, cause, null);
    }

    /** Also keeps the exception that made the task fail, for stack traces. */
    public TaskFailedException(String error, String cause, Throwable underlying) {
        super(cause == null ? error : error + ": " + cause, underlying);
        this.error = error == null || error.isBlank() ? StatesErrors.TASK_FAILED : error;
        this.errorCause = cause;
    }

    /** The error name. */
    public String error() {
        return error;
    }

    /** The ASL Cause text (may be null). */
    public String errorCause() {
        return errorCause;
    }
}
