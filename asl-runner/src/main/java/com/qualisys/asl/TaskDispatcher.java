package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the work of a Task state in-process: the local stand-in for Lambda and the other service
 * integrations.
 *
 * <p>What {@code resource} is:
 * <ul>
 *   <li>a plain Resource (a Lambda ARN, any string): the Resource as written; the return value is
 *       the state's result;</li>
 *   <li>{@code arn:aws:states:::lambda:invoke[.waitForTaskToken]}: the {@code FunctionName}
 *       parameter (or argument), with {@code Payload} as input; the runner wraps the return value
 *       as AWS does ({@code {"Payload": ..., "StatusCode": 200, ...}});</li>
 *   <li>any other integration ({@code arn:aws:states:::sns:publish}, {@code ...events:putEvents},
 *       {@code ...s3:putObject}, {@code .sync} and {@code .waitForTaskToken} forms): the Resource
 *       unchanged, with the effective Parameters (JSONPath) or Arguments (JSONata) as input.</li>
 * </ul>
 * For {@code .waitForTaskToken} resources the return value is ignored: the state's result comes
 * from the {@link TaskTokenBroker} ({@link TaskContext#taskToken()} holds the token).
 *
 * <p>Called concurrently from Parallel branches and Map iterations. A thrown
 * {@link TaskFailedException} fails the task with its error name; any other RuntimeException
 * fails it with the exception's class name as the error (as Lambda reports an unhandled
 * exception's type) and its message as the cause.
 */
@FunctionalInterface
public interface TaskDispatcher {
    JsonNode invoke(String resource, JsonNode effectiveInput, TaskContext ctx) throws TaskFailedException;
}
