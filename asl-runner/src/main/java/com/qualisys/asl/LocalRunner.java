package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Runs a {@link StateMachineDefinition} in-process, as AWS Step Functions would, with Task states
 * dispatched to Java code through a {@link TaskDispatcher}.
 *
 * <pre>{@code
 * LocalRunner runner = LocalRunner.builder()
 *         .dispatcher((resource, input, ctx) -> handlers.invoke(resource, input))
 *         .waitScale(0.01)                       // Wait states and retry intervals 100x faster
 *         .taskTokenBroker(new FileTaskTokenBroker(dir))
 *         .listener(event -> System.err.println(event))
 *         .build();
 * ExecutionResult r = runner.execute(definition, input, "run-1");
 * }</pre>
 *
 * A runner is immutable and may run several executions at once.
 */
public final class LocalRunner {
    private final TaskDispatcher dispatcher;
    private final double waitScale;
    private final TaskTokenBroker taskTokenBroker;
    private final ExecutionListener listener;
    private final String region;
    private final String accountId;
    private final RandomGenerator random;

    private LocalRunner(Builder b) {
        this.dispatcher = Objects.requireNonNull(b.dispatcher, "dispatcher");
        this.waitScale = b.waitScale;
        this.taskTokenBroker = b.taskTokenBroker == null ? new InMemoryTaskTokenBroker() : b.taskTokenBroker;
        this.listener = b.listener == null ? ExecutionListener.NONE : b.listener;
        this.region = b.region;
        this.accountId = b.accountId;
        this.random = b.random == null ? new Random() : b.random;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one execution to its end on the calling thread (Parallel branches and Map iterations
     * run on virtual threads) and returns how it ended; never throws for a failed execution.
     *
     * @param executionName {@code $$.Execution.Name}; null for a generated UUID
     */
    public ExecutionResult execute(StateMachineDefinition definition, JsonNode input, String executionName) {
        Objects.requireNonNull(definition, "definition");
        String name = executionName == null || executionName.isBlank() ? UUID.randomUUID().toString() : executionName;
        JsonNode in = input == null ? Json.MAPPER.createObjectNode() : input.deepCopy();
        return new Execution(this, definition, in, name).run();
    }

    /** The broker that answers {@code .waitForTaskToken} tasks (in-memory unless one was set). */
    public TaskTokenBroker taskTokenBroker() {
        return taskTokenBroker;
    }

    TaskDispatcher dispatcher() {
        return dispatcher;
    }

    double waitScale() {
        return waitScale;
    }

    ExecutionListener listener() {
        return listener;
    }

    String region() {
        return region;
    }

    String accountId() {
        return accountId;
    }

    RandomGenerator random() {
        return random;
    }

    /** Configures a {@link LocalRunner}; only the dispatcher is required. */
    public static final class Builder {
        private TaskDispatcher dispatcher;
        private double waitScale = 1.0;
        private TaskTokenBroker taskTokenBroker;
        private ExecutionListener listener;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private RandomGenerator random;

        private Builder() {
        }

        public Builder dispatcher(TaskDispatcher dispatcher) {
            this.dispatcher = dispatcher;
            return this;
        }

        /**
         * Real seconds slept per ASL second in Wait states and Retry intervals: 1 = real time,
         * 0.01 = a hundred times faster, 0 = no waiting at all. Task TimeoutSeconds and the state
         * machine's TimeoutSeconds are not scaled (they bound real work).
         */
        public Builder waitScale(double waitScale) {
            if (!(waitScale >= 0) || Double.isInfinite(waitScale)) {
                throw new IllegalArgumentException("waitScale must be a finite number >= 0, got " + waitScale);
            }
            this.waitScale = waitScale;
            return this;
        }

        public Builder taskTokenBroker(TaskTokenBroker broker) {
            this.taskTokenBroker = broker;
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            this.listener = listener;
            return this;
        }

        /** Region in the ARNs of the context object (default us-east-1). */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        /** Account in the ARNs of the context object (default 000000000000). */
        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId);
            return this;
        }

        /** Source of randomness for JitterStrategy FULL (seed it for reproducible tests). */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        public LocalRunner build() {
            return new LocalRunner(this);
        }
    }
}
