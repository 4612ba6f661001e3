package com.qualisys.controlplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.events.anomaly.CostAnomalyParser;
import com.qualisys.controlplane.events.security.CloudTrailEventParser;

/**
 * Which response a payload calls for, told from its shape alone (pure): a CloudTrail call delivered by
 * EventBridge (security-response), an AWS Budgets notification or a Cost Anomaly Detection alert
 * (budget-response). The parsers of each kind then check every field; this only routes.
 */
public enum EventKind {
    /** {@code detail-type: "AWS API Call via CloudTrail"}. */
    SECURITY("security-response"),
    /** The plain-text AWS Budgets notification: bare, in a Lambda SNS event or in an SNS notification. */
    BUDGET("budget-response"),
    /** The Cost Anomaly Detection JSON alert (bare, in SNS) or the EventBridge {@code aws.ce} "Anomaly Detected" event. */
    ANOMALY("budget-response");

    private final String stateMachine;

    EventKind(String stateMachine) {
        this.stateMachine = stateMachine;
    }

    /** The state machine that responds to this kind of event. */
    public String stateMachine() {
        return stateMachine;
    }

    public static EventKind of(String payload) throws EventParseException {
        StrictJson.checkSize(payload, "event");
        String text = payload.strip();
        if (!text.startsWith("{")) return message(text);
        JsonNode root = StrictJson.readObject(payload, "event");
        if (root.has("detail-type")) {
            JsonNode type = root.get("detail-type");
            String t = type.isTextual() ? type.textValue() : type.toString();
            if (t.equals(CloudTrailEventParser.DETAIL_TYPE)) return SECURITY;
            if (t.equals(CostAnomalyParser.DETAIL_TYPE)) return ANOMALY;
            throw new EventParseException("detail-type", Values.quote(t), "is neither \"" + CloudTrailEventParser.DETAIL_TYPE
                    + "\" nor \"" + CostAnomalyParser.DETAIL_TYPE + "\": no response handles it");
        }
        JsonNode records = root.get("Records");
        if (records != null) {
            JsonNode message = records.path(0).path("Sns").path("Message");
            return message.isTextual() ? message(message.textValue().strip()) : BUDGET;
        }
        if (root.get("Message") instanceof JsonNode message && message.isTextual()) return message(message.textValue().strip());
        if (root.has("anomalyId")) return ANOMALY;
        throw new EventParseException("event", null, "is none of the events the control plane responds to: a CloudTrail call"
                + " (detail-type), an SNS event (Records), an SNS notification (Message), a cost anomaly (anomalyId)"
                + " or the text of an AWS Budgets notification");
    }

    /** An SNS message: anomaly alerts are JSON, budget notifications are text. */
    private static EventKind message(String text) throws EventParseException {
        if (text.startsWith("{")) return ANOMALY;
        if (text.startsWith("AWS Budget Notification")) return BUDGET;
        throw new EventParseException("message", Values.quote(text.lines().findFirst().orElse("")),
                "is neither JSON nor an AWS Budgets notification (\"AWS Budget Notification <date>\")");
    }
}
