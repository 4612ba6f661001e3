package com.qualisys.controlplane.events.security;

import static com.qualisys.controlplane.events.Fields.optionalObject;
import static com.qualisys.controlplane.events.Fields.optionalText;
import static com.qualisys.controlplane.events.Fields.requireInstant;
import static com.qualisys.controlplane.events.Fields.requireObject;
import static com.qualisys.controlplane.events.Fields.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.StrictJson;
import com.qualisys.controlplane.events.Values;
import java.util.regex.Pattern;

/**
 * Parses the EventBridge event that carries a CloudTrail management event:
 * {@code {"detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2", "detail": {eventVersion,
 * userIdentity, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, requestParameters, ...}}}.
 * Anything else is an {@link EventParseException} naming the field.
 */
public final class CloudTrailEventParser {
    public static final String DETAIL_TYPE = "AWS API Call via CloudTrail";
    private static final Pattern SOURCE = Pattern.compile("aws\\.[a-z0-9-]{1,60}");
    private static final Pattern EVENT_SOURCE = Pattern.compile("[a-z0-9.-]{1,100}\\.amazonaws\\.com");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9]{1,128}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private CloudTrailEventParser() {}

    public static CloudTrailEvent parse(String payload) throws EventParseException {
        JsonNode root = StrictJson.readObject(payload, "event");
        String detailType = requireText(root, "", "detail-type");
        if (!detailType.equals(DETAIL_TYPE)) {
            throw new EventParseException("detail-type", Values.quote(detailType), "is not \"" + DETAIL_TYPE + "\"");
        }
        String source = requireText(root, "", "source", SOURCE, "is not an AWS event source like aws.ec2");
        String account = optionalText(root, "", "account");
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            throw new EventParseException("account", Values.quote(account), "is not a 12-digit AWS account id");
        }
        JsonNode detail = requireObject(root, "", "detail");
        String eventSource = requireText(detail, "detail", "eventSource", EVENT_SOURCE, "is not an AWS service endpoint like ec2.amazonaws.com");
        if (!source.equals("aws." + eventSource.substring(0, eventSource.indexOf('.')))) {
            throw new EventParseException("detail.eventSource", Values.quote(eventSource), "does not belong to source " + source);
        }
        String eventName = requireText(detail, "detail", "eventName", EVENT_NAME, "is not an API operation name");
        JsonNode identity = requireObject(detail, "detail", "userIdentity");
        JsonNode sessionContext = optionalObject(identity, "detail.userIdentity", "sessionContext");
        JsonNode issuer = sessionContext == null ? null : optionalObject(sessionContext, "detail.userIdentity.sessionContext", "sessionIssuer");
        CloudTrailEvent.Actor actor = new CloudTrailEvent.Actor(
                requireText(identity, "detail.userIdentity", "type"),
                optionalText(identity, "detail.userIdentity", "arn"),
                optionalText(identity, "detail.userIdentity", "principalId"),
                optionalText(identity, "detail.userIdentity", "accountId"),
                optionalText(identity, "detail.userIdentity", "userName"),
                issuer == null ? null : optionalText(issuer, "detail.userIdentity.sessionContext.sessionIssuer", "arn"),
                optionalText(identity, "detail.userIdentity", "invokedBy"));
        JsonNode request = optionalObject(detail, "detail", "requestParameters");
        JsonNode response = optionalObject(detail, "detail", "responseElements");
        return new CloudTrailEvent(
                optionalText(root, "", "id"),
                account,
                optionalText(root, "", "region"),
                optionalText(detail, "detail", "eventID"),
                eventName,
                eventSource,
                requireInstant(detail, "detail", "eventTime"),
                actor,
                optionalText(detail, "detail", "sourceIPAddress"),
                optionalText(detail, "detail", "userAgent"),
                optionalText(detail, "detail", "errorCode"),
                optionalText(detail, "detail", "errorMessage"),
                request == null ? JsonNodeFactory.instance.objectNode() : request.deepCopy(),
                response == null ? JsonNodeFactory.instance.objectNode() : response.deepCopy());
    }
}
