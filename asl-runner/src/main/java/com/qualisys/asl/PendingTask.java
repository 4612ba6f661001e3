package com.qualisys.asl;

import java.time.Instant;

/** A {@code .waitForTaskToken} task waiting for its answer. */
public record PendingTask(String token, String executionId, String stateName, Instant registeredAt) {
}
