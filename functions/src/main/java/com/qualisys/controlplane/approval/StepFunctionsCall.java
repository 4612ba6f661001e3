package com.qualisys.controlplane.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.time.Instant;
import software.amazon.awssdk.services.cloudtrail.model.Event;

/**
 * One Step Functions call as CloudTrail recorded it: who made it (userIdentity.arn, which AWS sets from
 * the request's signature, never the caller), which call, when, whether it failed, and its request
 * parameters.
 */
public record StepFunctionsCall(String eventId, String eventName, String principal, Instant time, boolean failed,
                                JsonNode requestParameters) {

    public static StepFunctionsCall of(Event event) {
        JsonNode record;
        try {
            record = event.cloudTrailEvent() == null ? Json.mapper().createObjectNode() : Json.mapper().readTree(event.cloudTrailEvent());
        } catch (IOException unreadable) {
            record = Json.mapper().createObjectNode();
        }
        String principal = record.path("userIdentity").path("arn").asText("");
        Instant time = event.eventTime() != null ? event.eventTime() : Instant.parse(record.path("eventTime").asText());
        return new StepFunctionsCall(event.eventId(), event.eventName(), principal, time,
                record.hasNonNull("errorCode"), record.path("requestParameters"));
    }

    /** A request parameter as text; empty when absent. */
    String parameter(String name) {
        JsonNode value = requestParameters.path(name);
        return value.isTextual() ? value.asText() : "";
    }
}
