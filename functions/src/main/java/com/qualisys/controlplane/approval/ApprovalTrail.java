package com.qualisys.controlplane.approval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.CloudTrailException;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/** Reads the Step Functions calls an approval check needs from CloudTrail's event history (LookupEvents). */
public final class ApprovalTrail {
    private static final int THROTTLED_ATTEMPTS = 5;
    private final CloudTrailClient cloudTrail;

    public ApprovalTrail(CloudTrailClient cloudTrail) {
        this.cloudTrail = cloudTrail;
    }

    /**
     * The run's start (StartExecution calls from its start time on) and the answers since the approval was
     * requested (SendTaskSuccess), then decides who approved.
     */
    public ApproverCheck.Verdict verdict(ApproverCheck.Execution execution, Instant startedAt, Instant requestedAt,
                                         boolean distinctApprover, String environment) {
        List<StepFunctionsCall> calls = new ArrayList<>();
        calls.addAll(calls(ApproverCheck.START_EXECUTION, startedAt.minus(ApproverCheck.SKEW), startedAt.plus(ApproverCheck.SKEW)));
        calls.addAll(calls(ApproverCheck.SEND_TASK_SUCCESS, requestedAt.minus(ApproverCheck.SKEW), Instant.now().plus(ApproverCheck.SKEW)));
        return ApproverCheck.decide(execution, requestedAt, calls, distinctApprover, environment);
    }

    private List<StepFunctionsCall> calls(String eventName, Instant from, Instant to) {
        List<StepFunctionsCall> out = new ArrayList<>();
        String page = null;
        do {
            String token = page;
            LookupEventsResponse response = lookup(r -> r.startTime(from).endTime(to).maxResults(50).nextToken(token)
                    .lookupAttributes(a -> a.attributeKey(LookupAttributeKey.EVENT_NAME).attributeValue(eventName)));
            response.events().stream().filter(e -> "states.amazonaws.com".equals(e.eventSource()))
                    .map(StepFunctionsCall::of).forEach(out::add);
            page = response.nextToken();
        } while (page != null);
        return out;
    }

    /** LookupEvents allows 2 requests per second per account and region: a throttled page is asked again a second later. */
    private LookupEventsResponse lookup(java.util.function.Consumer<LookupEventsRequest.Builder> request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return cloudTrail.lookupEvents(request);
            } catch (CloudTrailException e) {
                if (!e.isThrottlingException() || attempt == THROTTLED_ATTEMPTS) throw e;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
