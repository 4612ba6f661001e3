package com.qualisys.cli.aws;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Follows an execution until it ends: polls its history (backing off while nothing happens,
 * back to the first interval when something did), hands one progress line per finished task to
 * the consumer, and returns the final DescribeExecution answer.
 */
public final class ExecutionWatcher {
    private final SfnClient sfn;
    private final HistoryReader history;
    private final Backoff backoff;
    private final Consumer<String> progress;

    public ExecutionWatcher(SfnClient sfn, Backoff backoff, Consumer<String> progress) {
        this.sfn = sfn;
        this.history = new HistoryReader(sfn);
        this.backoff = backoff;
        this.progress = progress;
    }

    public DescribeExecutionResponse watch(String executionArn) throws InterruptedException {
        ExecutionHistory seen = new ExecutionHistory();
        Duration wait = backoff.initial();
        while (true) {
            List<HistoryEvent> fresh = report(executionArn, seen);
            if (seen.ended()) return describe(executionArn);
            if (fresh.isEmpty()) {
                // Nothing new: the execution may still have ended (history and status are separate reads).
                DescribeExecutionResponse now = describe(executionArn);
                if (now.status() != ExecutionStatus.RUNNING) {
                    report(executionArn, seen);
                    return now;
                }
                wait = backoff.next(wait);
            } else {
                wait = backoff.initial();
            }
            Thread.sleep(wait.toMillis());
        }
    }

    private List<HistoryEvent> report(String executionArn, ExecutionHistory seen) {
        List<HistoryEvent> fresh = seen.addAll(history.after(executionArn, seen.lastEventId()));
        for (HistoryEvent e : fresh) ProgressLines.line(e, seen, executionArn).ifPresent(progress);
        return fresh;
    }

    private DescribeExecutionResponse describe(String executionArn) {
        return sfn.describeExecution(r -> r.executionArn(executionArn));
    }
}
