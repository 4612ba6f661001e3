package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;

/**
 * Task tokens answered from another thread of the same process ({@link #sendTaskSuccess},
 * {@link #sendTaskFailure}). Thread-safe.
 */
public final class InMemoryTaskTokenBroker implements TaskTokenBroker {

    private record Waiting(PendingTask task, CompletableFuture<Outcome> answer) {
    }

    private final ConcurrentMap<String, Waiting> waiting = new ConcurrentHashMap<>();

    @Override
    public void register(String token, String executionId, String stateName) {
        waiting.putIfAbsent(token, new Waiting(new PendingTask(token, executionId, stateName, Instant.now()),
                new CompletableFuture<>()));
    }

    @Override
    public Outcome await(String token, String executionId) throws InterruptedException {
        register(token, executionId, null);
        try {
            return waiting.get(token).answer().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the answer future never fails", e);
        } finally {
            waiting.remove(token);
        }
    }

    @Override
    public void release(String token) {
        waiting.remove(token);
    }

    /** SendTaskSuccess. Throws IllegalArgumentException if no task waits for the token. */
    public void sendTaskSuccess(String token, JsonNode output) {
        answer(token, new Success(output));
    }

    /** SendTaskFailure. Throws IllegalArgumentException if no task waits for the token. */
    public void sendTaskFailure(String token, String error, String cause) {
        answer(token, new Failure(error, cause));
    }

    private void answer(String token, Outcome outcome) {
        Waiting w = waiting.get(token);
        if (w == null) {
            throw new IllegalArgumentException("TaskDoesNotExist: no task is waiting for token " + token);
        }
        if (!w.answer().complete(outcome)) {
            throw new IllegalStateException("InvalidToken: token " + token + " was already answered");
        }
    }

    /** The tasks waiting for an answer, oldest first. */
    public List<PendingTask> pending() {
        return waiting.values().stream()
                .filter(w -> !w.answer().isDone())
                .map(Waiting::task)
                .sorted(Comparator.comparing(PendingTask::registeredAt))
                .toList();
    }

    /**
     * Waits until a task of state {@code stateName} waits for an answer and returns it; for tests
     * and for a console that answers approvals.
     */
    public PendingTask awaitPending(String stateName, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (PendingTask p : pending()) {
                if (stateName.equals(p.stateName())) {
                    return p;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no task of state \"" + stateName + "\" waited for a token within " + timeout);
    }
}
