package com.qualisys.asl;

/**
 * Sees every {@link HistoryEvent} as it is recorded (state entered / exited, task scheduled /
 * failed, retried, caught...), e.g. to print progress. Called synchronously, possibly from several
 * threads at once (Parallel branches, Map iterations). An exception thrown by the listener is
 * ignored: progress output cannot break an execution.
 */
@FunctionalInterface
public interface ExecutionListener {
    ExecutionListener NONE = event -> { };

    void onEvent(HistoryEvent event);
}
