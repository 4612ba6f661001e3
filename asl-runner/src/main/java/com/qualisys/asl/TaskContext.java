package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a Task invocation knows about where it runs.
 *
 * @param executionId    the execution ARN ({@code $$.Execution.Id})
 * @param executionName  {@code $$.Execution.Name}
 * @param stateMachineName the definition's name
 * @param stateName      the Task state's name
 * @param retryCount     0 on the first attempt, then 1, 2... ({@code $$.State.RetryCount})
 * @param taskToken      the token of a {@code .waitForTaskToken} task, else null
 * @param contextObject  the whole context object ({@code $$}) as the state saw it
 */
public record TaskContext(String executionId, String executionName, String stateMachineName, String stateName,
                          int retryCount, String taskToken, JsonNode contextObject) {
}
