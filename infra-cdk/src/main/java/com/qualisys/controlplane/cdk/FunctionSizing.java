package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import software.amazon.awscdk.Duration;

/**
 * Memory and timeout of each function, and whether something invokes it asynchronously (then it
 * gets a dead-letter queue). Lambda gives CPU in proportion to memory: 1024 MB is about half a
 * vCPU, 1769 MB one; the JVM plus the SDK's clients need about 250 MB of heap, so 512 MB is the
 * floor for anything that builds a client. Timeouts are the longest the work may take, not a
 * wait: long-running resources are polled by the state machines' Wait loops, never by a sleeping
 * function.
 */
record FunctionSizing(int memoryMb, Duration timeout, boolean asyncInvoked) {

    static FunctionSizing of(FunctionCatalog function) {
        return switch (function) {
            // One conditional DynamoDB write.
            case LOCK -> new FunctionSizing(512, Duration.seconds(30), false);
            // One paginated describe per resource type of a layer, then the pure diff: the CPU of
            // 1024 MB shortens both the SnapStart restore and the JSON work of large describes.
            case PLAN_LAYER -> new FunctionSizing(1024, Duration.minutes(5), false);
            // A layer's changes one call at a time; creates return at once, readiness is polled by the
            // state machine. 10 minutes leaves room for the slowest control-plane calls (EKS, RDS modify).
            case APPLY_LAYER -> new FunctionSizing(1024, Duration.minutes(10), false);
            // One describe per long-running resource.
            case LAYER_READINESS -> new FunctionSizing(512, Duration.minutes(1), false);
            // Renders JSON and Markdown of every layer's plan, one S3 write each, one publish.
            case REPORT -> new FunctionSizing(1024, Duration.minutes(2), false);
            case NOTIFY -> new FunctionSizing(512, Duration.seconds(30), false);
            // Runs sql/db-init.sql over JDBC inside the VPC; ENI attachment adds no cold-start time today,
            // the statements themselves (extensions, roles, RLS policies) take seconds.
            case DB_INIT -> new FunctionSizing(1024, Duration.minutes(5), false);
            // One rotation step per call (create, set, test, finish secret); Secrets Manager's own
            // rotation window is far longer than any step.
            case SECRET_ROTATION -> new FunctionSizing(512, Duration.minutes(2), true);
            // Classifies, plans the touched layer (read-only) and remediates one resource.
            case SECURITY_EVENT -> new FunctionSizing(1024, Duration.minutes(5), false);
            // SNS delivers budget and anomaly alerts asynchronously: a failed one lands in its DLQ.
            case BUDGET_ALERT -> new FunctionSizing(512, Duration.minutes(2), true);
        };
    }
}
