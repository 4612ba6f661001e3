package com.qualisys.controlplane.state;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec.StateSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * One writer per environment: every apply takes a lease on its environment first, as the seed's
 * Terraform state lock did. A lease is a DynamoDB item written only if no unexpired lease exists
 * (a conditional write, so two runs racing for it cannot both win); the loser fails fast with
 * {@link LockHeldException} naming the holder and the expiry. A run that crashed leaves its lease
 * behind until it expires; the next run then takes it over. Release and renew are conditional on
 * the lease id, so only the holder can give a lease back or extend it.
 *
 * <h2>Table schema (the CDK app creates the table; it must match)</h2>
 * <ul>
 *   <li>table name: {@code state.lockTable} of the spec ({@code qualisys-control-plane-locks});</li>
 *   <li>partition key {@value #PARTITION_KEY}, type String, value {@code apply/<environment>};
 *       no sort key; on-demand billing;</li>
 *   <li>time to live on attribute {@value #TTL_ATTRIBUTE} (Number, epoch seconds): DynamoDB removes
 *       expired leases eventually; correctness never depends on it, the write condition checks the
 *       expiry itself;</li>
 *   <li>other attributes: {@code environment}, {@code holder}, {@code leaseId} (String),
 *       {@code acquiredAt} (String, ISO-8601).</li>
 * </ul>
 * Access: the control plane's functions need dynamodb:PutItem, GetItem, UpdateItem, DeleteItem on
 * the table; people get read access at most (the seed: state access for DevOps only).
 */
public final class ApplyLock {
    public static final String PARTITION_KEY = "lockId";
    public static final String TTL_ATTRIBUTE = "expiresAt";
    private static final String FREE_OR_EXPIRED = "attribute_not_exists(" + PARTITION_KEY + ") OR " + TTL_ATTRIBUTE + " <= :now";
    private static final String OWNED = "leaseId = :leaseId";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public ApplyLock(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public static ApplyLock of(AwsClients aws, StateSpec state) {
        return new ApplyLock(aws.dynamoDb(), state.lockTable(), Clock.systemUTC());
    }

    public static String lockId(String environment) {
        return "apply/" + environment;
    }

    /**
     * Takes the environment's lease for {@code duration}, or throws {@link LockHeldException} naming
     * the run that holds it. An expired lease is taken over (the new lease says from whom).
     */
    public Lease acquire(String environment, String holder, Duration duration) {
        if (holder == null || holder.isBlank()) throw new IllegalArgumentException("a lease needs a holder (who is applying)");
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, was " + duration);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            Instant now = clock.instant();
            Lease lease = new Lease(environment, holder, UUID.randomUUID().toString(), now, truncated(now.plus(duration)), null);
            try {
                PutItemResponse put = dynamo.putItem(r -> r.tableName(table).item(item(lease))
                        .conditionExpression(FREE_OR_EXPIRED)
                        .expressionAttributeValues(Map.of(":now", number(now.getEpochSecond())))
                        .returnValues(ReturnValue.ALL_OLD));
                String previous = put.hasAttributes() && put.attributes().containsKey("holder") ? put.attributes().get("holder").s() : null;
                return new Lease(environment, holder, lease.leaseId(), lease.acquiredAt(), lease.expiresAt(), previous);
            } catch (ConditionalCheckFailedException e) {
                Optional<Lease> current = e.hasItem() && !e.item().isEmpty() ? Optional.of(lease(e.item())) : current(environment);
                // Released between our write and our read: try once more.
                if (current.isPresent()) throw new LockHeldException(environment, current.get().holder(), current.get().expiresAt());
            }
        }
        throw new LockHeldException(environment, "another run (the lease changed hands while it was being taken)", clock.instant());
    }

    /** Extends a lease this run holds; throws {@link LeaseLostException} if it is no longer ours. */
    public Lease renew(Lease lease, Duration duration) {
        Instant expiresAt = clock.instant().plus(duration);
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(lease.environment()))
                    .updateExpression("SET " + TTL_ATTRIBUTE + " = :expiresAt")
                    .conditionExpression(OWNED)
                    .expressionAttributeValues(Map.of(":expiresAt", number(expiresAt.getEpochSecond()),
                            ":leaseId", AttributeValue.fromS(lease.leaseId())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Lease(lease.environment(), lease.holder(), lease.leaseId(), lease.acquiredAt(), truncated(expiresAt),
                    lease.takenOverFrom());
        } catch (ConditionalCheckFailedException e) {
            throw new LeaseLostException(lease.environment(), lease.holder(), holderIn(e, lease.environment()));
        }
    }

    /**
     * Gives a lease back. Only its holder can: releasing a lease another run has taken over throws
     * {@link LeaseLostException} and leaves that run's lease alone. Releasing twice is harmless.
     */
    public void release(Lease lease) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(lease.environment()))
                    .conditionExpression(OWNED)
                    .expressionAttributeValues(Map.of(":leaseId", AttributeValue.fromS(lease.leaseId())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException e) {
            String holder = holderIn(e, lease.environment());
            if (holder != null) throw new LeaseLostException(lease.environment(), lease.holder(), holder);
        }
    }

    /**
     * Gives back the environment's lease held by {@code holder}; the state machines release by
     * their execution id, which is unique to one run. Same rules as {@link #release(Lease)}.
     */
    public void release(String environment, String holder) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(environment))
                    .conditionExpression("holder = :holder")
                    .expressionAttributeValues(Map.of(":holder", AttributeValue.fromS(holder)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException e) {
            String current = holderIn(e, environment);
            if (current != null) throw new LeaseLostException(environment, holder, current);
        }
    }

    /** The lease on an environment as stored (possibly expired), if any. */
    public Optional<Lease> current(String environment) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(environment)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(item));
    }

    private String holderIn(ConditionalCheckFailedException e, String environment) {
        if (e.hasItem() && !e.item().isEmpty()) return lease(e.item()).holder();
        return current(environment).map(Lease::holder).orElse(null);
    }

    private static Map<String, AttributeValue> key(String environment) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(lockId(environment)));
    }

    private static Map<String, AttributeValue> item(Lease lease) {
        Map<String, AttributeValue> item = new HashMap<>(key(lease.environment()));
        item.put("environment", AttributeValue.fromS(lease.environment()));
        item.put("holder", AttributeValue.fromS(lease.holder()));
        item.put("leaseId", AttributeValue.fromS(lease.leaseId()));
        item.put("acquiredAt", AttributeValue.fromS(lease.acquiredAt().toString()));
        item.put(TTL_ATTRIBUTE, number(lease.expiresAt().getEpochSecond()));
        return item;
    }

    private static Lease lease(Map<String, AttributeValue> item) {
        return new Lease(item.get("environment").s(), item.get("holder").s(), item.get("leaseId").s(),
                Instant.parse(item.get("acquiredAt").s()), Instant.ofEpochSecond(Long.parseLong(item.get(TTL_ATTRIBUTE).n())), null);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Instant truncated(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }
}
