package com.qualisys.asl;

/** What a {@link HistoryEvent} records. */
public enum HistoryEventType {
    EXECUTION_STARTED,
    /** A state was entered; details: {@code input}. */
    STATE_ENTERED,
    /** A state finished and hands over to the next one (or ends); details: {@code output}, {@code next}. */
    STATE_EXITED,
    /** A state failed and no Catcher handled it; details: {@code error}, {@code cause}. */
    STATE_FAILED,
    /** A Task's dispatcher is called; details: {@code resource}, {@code input}, {@code attempt}. */
    TASK_SCHEDULED,
    /** details: {@code output} (the raw result). */
    TASK_SUCCEEDED,
    /** details: {@code error}, {@code cause}. */
    TASK_FAILED,
    /** A {@code .waitForTaskToken} task waits; details: {@code token}. */
    TASK_TOKEN_WAITING,
    /** A Retrier matched; details: {@code error}, {@code cause}, {@code retrier}, {@code retryCount}, {@code delaySeconds}. */
    RETRY_SCHEDULED,
    /** A Catcher matched; details: {@code error}, {@code cause}, {@code catcher}, {@code next}. */
    ERROR_CAUGHT,
    /** details: {@code seconds} (the unscaled wait). */
    WAIT_STARTED,
    /** details: {@code index}. */
    BRANCH_STARTED,
    BRANCH_SUCCEEDED,
    BRANCH_FAILED,
    /** details: {@code index}. */
    MAP_ITERATION_STARTED,
    MAP_ITERATION_SUCCEEDED,
    MAP_ITERATION_FAILED,
    /** details: {@code output}. */
    EXECUTION_SUCCEEDED,
    /** details: {@code error}, {@code cause}. */
    EXECUTION_FAILED
}
