package com.qualisys.controlplane.testing;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads an event's claim straight from the lock table, as its documented shape says it is stored
 * (docs/locking.md: the lock table's item whose lockId is {@code event/<environment>/<event id>}), with the test's own client: the
 * tests check what the responses wrote without going through the control plane's code.
 */
public final class EventClaims {
    private EventClaims() {}

    /** The claim as stored (attribute → value), empty when there is none. */
    public static Map<String, String> read(DynamoDbClient dynamo, String table, String environment, String eventId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of("lockId", AttributeValue.fromS("event/" + environment + "/" + eventId))).consistentRead(true)).item();
        Map<String, String> out = new HashMap<>();
        if (item != null) item.forEach((k, v) -> out.put(k, v.s() != null ? v.s() : v.n()));
        return out;
    }
}
