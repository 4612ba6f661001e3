package com.qualisys.controlplane.events;

import com.qualisys.controlplane.state.ApplyLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Which events have been responded to. EventBridge and SNS deliver at least once, so the same
 * CloudTrail event (or budget message) can start two responses, even at the same moment. Each
 * response first claims its event's id with a conditional write; the one that loses does nothing
 * but count itself on the claim as a duplicate.
 *
 * <p>Claims live in the lock table (items {@code event/<environment>/<event id>}), with the table's
 * time to live ({@value ApplyLock#TTL_ATTRIBUTE}) set {@link #RETENTION} ahead: redeliveries come
 * within hours (EventBridge retries for up to 24 hours), so a week is ample, and the table does not
 * grow. A claim is never released: a response that fails notifies that it failed (the failure path
 * of the state machines) rather than leaving the event to a redelivery.
 */
public final class EventLedger {
    public static final Duration RETENTION = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public EventLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** The outcome of a claim: first (respond) or a duplicate of the response {@code firstBy} started. */
    public record Claim(String eventId, boolean duplicate, String firstBy, Instant firstAt) {}

    /**
     * Claims an event for a response ({@code by}: the execution that responds). Exactly one of
     * concurrent claims of the same event wins; the others come back as duplicates, and are counted
     * on the claim ({@code duplicates}, {@code lastDuplicateBy}).
     */
    public Claim claim(String environment, String kind, String eventId, String by) {
        if (eventId == null || eventId.isBlank()) throw new IllegalArgumentException("an event claim needs the event's id");
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>(key(environment, eventId));
        item.put("environment", AttributeValue.fromS(environment));
        item.put("kind", AttributeValue.fromS(kind));
        item.put("eventId", AttributeValue.fromS(eventId));
        item.put("respondedBy", AttributeValue.fromS(by));
        item.put("claimedAt", AttributeValue.fromS(now.toString()));
        item.put(ApplyLock.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(now.plus(RETENTION).getEpochSecond())));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(" + ApplyLock.PARTITION_KEY + ")"));
            return new Claim(eventId, false, by, now);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> first = dynamo.updateItem(r -> r.tableName(table).key(key(environment, eventId))
                    .updateExpression("ADD duplicates :one SET lastDuplicateBy = :by, lastDuplicateAt = :at")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":by", AttributeValue.fromS(by),
                            ":at", AttributeValue.fromS(now.toString())))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
            return new Claim(eventId, true, first.get("respondedBy").s(), Instant.parse(first.get("claimedAt").s()));
        }
    }

    /**
     * Gives back a claim this response made and could not complete ({@code by} must be the claimer), so
     * the sender's retry of the same delivery responds instead of being taken for a duplicate. Used where
     * the sender retries a failed delivery (SNS → Lambda); a claim someone else holds is left alone.
     */
    public void release(String environment, String eventId, String by) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(environment, eventId)).conditionExpression("respondedBy = :by")
                    .expressionAttributeValues(Map.of(":by", AttributeValue.fromS(by))));
        } catch (ConditionalCheckFailedException notOurs) {
            // Claimed by another response, or already gone: nothing of ours to give back.
        }
    }

    private static Map<String, AttributeValue> key(String environment, String eventId) {
        return Map.of(ApplyLock.PARTITION_KEY, AttributeValue.fromS("event/" + environment + "/" + eventId));
    }
}
