package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.aws.ApiCallCounter;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The process dies right after AWS carried out a call of this operation, before the caller sees the
 * answer: the write happened (and started whatever AWS does next), the run knows nothing of it.
 */
public final class CrashAfterCarriedOut implements ExecutionInterceptor {
    private final String operation;

    public CrashAfterCarriedOut(String operation) {
        this.operation = operation;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (ApiCallCounter.name(attributes).equals(operation)) {
            throw new CrashAfter.SimulatedCrash("simulated crash right after " + operation + " was carried out");
        }
    }
}
