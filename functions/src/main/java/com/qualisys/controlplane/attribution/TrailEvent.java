package com.qualisys.controlplane.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.Resource;

/**
 * One CloudTrail management event as attribution needs it: who (userIdentity.arn), the call, when,
 * from where, whether it failed, and the ids it names (its Resources and every string value of its
 * request parameters).
 */
public record TrailEvent(String who, String eventName, Instant eventTime, String sourceIp, boolean failed, Set<String> names) {
    private static final ObjectMapper JSON = Json.mapper();

    public TrailEvent {
        names = Set.copyOf(names);
    }

    public static TrailEvent of(Event event) {
        Set<String> names = new LinkedHashSet<>();
        event.resources().stream().map(Resource::resourceName).filter(n -> n != null).forEach(names::add);
        JsonNode record;
        try {
            record = event.cloudTrailEvent() == null ? JSON.createObjectNode() : JSON.readTree(event.cloudTrailEvent());
        } catch (IOException e) {
            record = JSON.createObjectNode();
        }
        strings(record.path("requestParameters"), names);
        String who = record.path("userIdentity").path("arn").asText(event.username() == null ? "unknown" : event.username());
        String sourceIp = record.path("sourceIPAddress").asText("unknown");
        Instant time = event.eventTime() != null ? event.eventTime() : Instant.parse(record.path("eventTime").asText());
        return new TrailEvent(who, event.eventName(), time, sourceIp, record.hasNonNull("errorCode"), names);
    }

    private static void strings(JsonNode node, Set<String> into) {
        if (node.isTextual()) into.add(node.asText());
        else if (node.isContainerNode()) node.forEach(child -> strings(child, into));
    }
}
