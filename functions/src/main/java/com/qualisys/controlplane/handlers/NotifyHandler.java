package com.qualisys.controlplane.handlers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a notification to the alert topic. Input {@code {"kind":"approval"|"failure","environment":..}}
 * (a failure may name what failed, {@code "what": "security response"}, and carry the event it failed on,
 * {@code "event"}, named in the message by its raw id):
 * approval requests carry the layer's plan summary (the task token stays in the execution
 * history, where `qualisys approve` finds it; it is never mailed); failures carry the Step
 * Functions error object {@code {"Error","Cause"}}.
 */
public final class NotifyHandler extends ControlPlaneHandler {
    public NotifyHandler() {}

    public NotifyHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String kind = input.oneOf("kind", List.of("approval", "failure"));
        String environment = input.string("environment");
        String execution = input.string("executionId", "(unknown execution)");
        String subject;
        String body;
        if (kind.equals("approval")) {
            String layer = input.string("layer");
            subject = "QUALISYS " + environment + ": approval needed for layer " + layer;
            body = "Provisioning of " + environment + " is waiting for approval of destructive changes in layer "
                    + layer + ".\n\n" + input.string("summary", "")
                    + "\n\nThe approval covers exactly these destructive changes (digest " + input.string("destructiveDigest", "(none)")
                    + "); if they differ when the run resumes, nothing is destroyed and approval is asked again."
                    + "\n\nApprove:  ./qualisys approve " + execution
                    + "\nReject:   ./qualisys reject " + execution + "\n";
        } else {
            Map<String, Object> error = input.map("error");
            // "what" names a response that holds no lock (security-response, budget-response).
            String what = input.string("what", null);
            subject = "QUALISYS " + environment + ": " + (what == null ? "execution" : what) + " failed";
            // A rejected event is named by its raw id, read leniently from the event itself.
            String eventId = input.fields().get("event") == null ? null
                    : java.util.Objects.requireNonNullElse(EventPayloads.eventId(EventPayloads.json(input, "event")), "(the event has no id)");
            body = "Execution " + execution + (what == null ? " failed and released its lock." : " (" + what + ") failed.")
                    + (eventId == null ? "" : "\nEvent: " + eventId)
                    + "\n\nError: " + error.getOrDefault("Error", "(none)")
                    + "\nCause: " + error.getOrDefault("Cause", "(none)") + "\n";
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", subject);
        String topic = controlPlane.settings().alertTopicArn();
        if (topic == null) {
            out.put("published", false);
            return out;
        }
        String messageId = controlPlane.hub().sns()
                .publish(r -> r.topicArn(topic).subject(truncate(subject, 100)).message(body)).messageId();
        out.put("published", true);
        out.put("messageId", messageId);
        return out;
    }

    /** SNS subjects are limited to 100 characters. */
    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
