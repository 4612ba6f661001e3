package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Delivers the answer to a {@code .waitForTaskToken} task: the local SendTaskSuccess /
 * SendTaskFailure. The runner generates a token, calls {@link #register}, puts the token into
 * {@code $$.Task.Token}, calls the dispatcher, then blocks in {@link #await}.
 *
 * @see InMemoryTaskTokenBroker for answers from another thread of the same process
 * @see FileTaskTokenBroker for answers from another process ({@code qualisys approve})
 */
public interface TaskTokenBroker {

    /** How a task token was answered. */
    sealed interface Outcome permits Success, Failure {
    }

    /** SendTaskSuccess: {@code output} becomes the Task state's result. */
    record Success(JsonNode output) implements Outcome {
    }

    /** SendTaskFailure: the Task fails with {@code error} (States.TaskFailed if null) and {@code cause}. */
    record Failure(String error, String cause) implements Outcome {
    }

    /**
     * Announces a token before the task is dispatched, so that an answer that arrives while the
     * dispatcher still runs is not lost and unknown tokens can be refused.
     */
    void register(String token, String executionId, String stateName);

    /**
     * Forgets a registered token whose task ended before {@link #await} was called (its dispatch
     * failed). The default does nothing.
     */
    default void release(String token) {
    }

    /**
     * Blocks until the token is answered. Interrupted when the execution no longer needs the
     * answer (task timeout, a sibling branch failed); implementations then forget the token.
     */
    Outcome await(String token, String executionId) throws InterruptedException;
}
