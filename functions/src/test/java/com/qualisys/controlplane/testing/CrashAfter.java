package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.aws.ApiCallCounter;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Simulates a run killed after its k-th mutating call: the (k+1)-th mutating call throws before
 * it is sent, as if the process had died right after the k-th call returned.
 */
public final class CrashAfter implements ExecutionInterceptor {
    private final int allowed;
    private final AtomicInteger seen = new AtomicInteger();

    public CrashAfter(int allowedMutatingCalls) {
        this.allowed = allowedMutatingCalls;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = ApiCallCounter.name(attributes);
        if (ApiCallCounter.isMutating(op) && seen.incrementAndGet() > allowed) {
            throw new SimulatedCrash("simulated crash before mutating call #" + seen.get() + " (" + op + ")");
        }
    }

    /** 1 when the run was killed by a simulated crash, 0 when it ended on its own; any other failure is rethrown. */
    public static int killed(Runnable run) {
        try {
            run.run();
            return 0;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SimulatedCrash) return 1;
            }
            throw e;
        }
    }

    public static final class SimulatedCrash extends RuntimeException {
        public SimulatedCrash(String message) {
            super(message);
        }
    }
}
