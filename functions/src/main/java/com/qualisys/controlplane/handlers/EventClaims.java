package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.events.EventLedger;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claim step the security and budget responses share: the delivery's id (CloudTrail
 * {@code detail.eventID}, SNS {@code MessageId}, EventBridge {@code id}; read leniently so a rejected
 * event can still be named) claimed with a conditional write ({@link EventLedger}), so a redelivered or
 * concurrently delivered event gets one response and the others answer {@code duplicate: true} with
 * the execution that responds. A dry run claims nothing; neither does a payload without an id.
 */
final class EventClaims {
    private EventClaims() {}

    static Map<String, Object> claim(EnvironmentSpec spec, String event, String kind, String by, boolean dryRun, ControlPlane controlPlane) {
        String eventId = EventPayloads.eventId(event);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("eventId", eventId == null ? "(no event id)" : eventId);
        if (dryRun || eventId == null) {
            out.put("duplicate", false);
            out.put("claimed", false);
            return out;
        }
        EventLedger.Claim claim = ledger(spec, controlPlane).claim(spec.environment(), kind, eventId, by);
        out.put("duplicate", claim.duplicate());
        out.put("claimed", !claim.duplicate());
        out.put("respondedBy", claim.firstBy());
        out.put("firstSeenAt", claim.firstAt().toString());
        if (claim.duplicate()) out.put("note", "duplicate delivery of event " + eventId + ": " + claim.firstBy() + " responds to it");
        return out;
    }

    static EventLedger ledger(EnvironmentSpec spec, ControlPlane controlPlane) {
        return new EventLedger(controlPlane.hub().dynamoDb(), controlPlane.settings().lockTable(spec), Clock.systemUTC());
    }
}
