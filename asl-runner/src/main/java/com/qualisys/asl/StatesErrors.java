package com.qualisys.asl;

/**
 * The error names the Amazon States Language reserves (all start with {@code States.}), and the
 * matching rules of Retry/Catch {@code ErrorEquals}.
 */
public final class StatesErrors {
    /** Wildcard matching any error name except {@link #RUNTIME} and {@link #DATA_LIMIT_EXCEEDED}. */
    public static final String ALL = "States.ALL";
    /** A Task failed; in ErrorEquals, a wildcard matching any error name except {@link #TIMEOUT}. */
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String TIMEOUT = "States.Timeout";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String RUNTIME = "States.Runtime";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String BRANCH_FAILED = "States.BranchFailed";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
    public static final String PERMISSIONS = "States.Permissions";
    /** A JSONata expression failed, or gave a value its field cannot take. */
    public static final String QUERY_EVALUATION_ERROR = "States.QueryEvaluationError";

    private StatesErrors() {
    }

    /**
     * True when {@code error} can be handled at all by a Retrier or Catcher: States.Runtime and
     * States.DataLimitExceeded are terminal (the AWS developer guide: "A States.Runtime error isn't
     * retriable, and will always cause the execution to fail"; States.ALL cannot catch either).
     */
    public static boolean isHandleable(String error) {
        return !RUNTIME.equals(error) && !DATA_LIMIT_EXCEEDED.equals(error);
    }

    /** Whether one ErrorEquals entry matches the error name. */
    public static boolean matches(String errorEqualsEntry, String error) {
        if (!isHandleable(error)) {
            return false;
        }
        if (errorEqualsEntry.equals(error) || errorEqualsEntry.equals(ALL)) {
            return true;
        }
        // The spec: "States.TaskFailed ... when used in a Retry or Catch, acts as a wildcard that
        // matches any known error name except for States.Timeout."
        return errorEqualsEntry.equals(TASK_FAILED) && !error.equals(TIMEOUT);
    }
}
