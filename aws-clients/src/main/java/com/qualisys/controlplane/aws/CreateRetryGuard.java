package com.qualisys.controlplane.aws;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Stops the SDK from blindly retrying a create whose first answer was lost. When a create without
 * a client token fails with a server error or no answer at all, AWS may have carried it out; a
 * retry could make a second VPC, key or anomaly monitor. Such a create fails instead
 * ({@link ResponseLostException}) and the next run finds what was made by its qualisys tags (every
 * resource is tagged at creation) before creating anything. Throttled attempts, which AWS did not
 * carry out, and creates carrying a client token (AWS answers a repeat with the first result) are
 * retried as usual.
 */
public final class CreateRetryGuard implements ExecutionInterceptor {
    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("qualisys.attempts");
    private static final ExecutionAttribute<Integer> LAST_STATUS = new ExecutionAttribute<>("qualisys.lastStatus");

    /** A create that may have been carried out although its answer never arrived. */
    public static final class ResponseLostException extends RuntimeException {
        ResponseLostException(String message) {
            super(message);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        int attempt = attributes.getOptionalAttribute(ATTEMPTS).orElse(0) + 1;
        attributes.putAttribute(ATTEMPTS, attempt);
        if (attempt == 1) return;
        String operation = ApiCallCounter.name(attributes);
        Integer last = attributes.getOptionalAttribute(LAST_STATUS).orElse(null);
        boolean throttled = last != null && (last == 429 || last == 400);
        if (!throttled && isCreate(operation) && !hasClientToken(context.request())) {
            throw new ResponseLostException(operation + " got " + (last == null ? "no answer" : "HTTP " + last)
                    + " and may have been carried out; it is not retried blindly (a retry could create a second resource)."
                    + " The next run finds what it made by its qualisys tags.");
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(LAST_STATUS, context.httpResponse().statusCode());
    }

    static boolean isCreate(String operation) {
        String op = operation.contains(".") ? operation.substring(operation.indexOf('.') + 1) : operation;
        return (op.startsWith("Create") && !op.equals("CreateTags")) || op.startsWith("Run") || op.startsWith("Allocate");
    }

    static boolean hasClientToken(SdkRequest request) {
        for (SdkField<?> f : request.sdkFields()) {
            String name = f.memberName();
            if ((name.equals("ClientToken") || name.equals("ClientRequestToken") || name.equals("IdempotencyToken"))
                    && f.getValueOrDefault(request) != null) {
                return true;
            }
        }
        return false;
    }
}
