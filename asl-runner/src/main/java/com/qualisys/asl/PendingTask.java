package com.qualisys.asl;

import java.time.Instant;

/**
 * A {@code .waitForTaskToken} task waiting for its answer.
 *
 * @param pid            the process that waits (0 when unknown), with {@code processStartedAt} so a
 *                       recycled process id is not mistaken for it
 */
public record PendingTask(String token, String executionId, String stateName, Instant registeredAt, long pid, Instant processStartedAt) {
    public PendingTask(String token, String executionId, String stateName, Instant registeredAt) {
        this(token, executionId, stateName, registeredAt, 0, null);
    }

    /** Whether the process that waits for the answer still runs (unknown counts as running). */
    public boolean waiterAlive() {
        if (pid == 0) return true;
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> processStartedAt == null || p.info().startInstant().map(processStartedAt::equals).orElse(true))
                .isPresent();
    }
}
