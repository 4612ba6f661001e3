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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * One writer per environment: every apply takes a lease on its environment first, as the seed's
 * Terraform state lock did. A lease is written into the environment's lock item only if no unexpired
 * lease is there (a conditional write, so two runs racing for it cannot both win); the loser fails
 * fast with {@link LockHeldException} naming the holder, the lease id and the expiry. A run that
 * crashed leaves its lease behind until it expires; the next run then takes it over. Release and renew
 * are conditional on the lease id, so only the holder can give a lease back or extend it.
 *
 * <p><b>Fencing.</b> Every acquire adds one to the item's {@code generation}, which is never reset
 * (release clears the lease but keeps the item), so it only grows. A lease carries the generation it
 * was taken at; before each change the apply checks it with a conditional write ({@link #fence(Lease)}):
 * a writer whose lease expired and was taken over is refused before it changes anything.
 *
 * <h2>Table schema (the CDK app creates the table; it must match)</h2>
 * <ul>
 *   <li>table name: {@code state.lockTable} of the spec ({@code qualisys-control-plane-locks});</li>
 *   <li>partition key {@value #PARTITION_KEY}, type String, value {@code apply/<environment>};
 *       no sort key; on-demand billing;</li>
 *   <li>time to live on attribute {@value #TTL_ATTRIBUTE} (Number, epoch seconds). Lock items never carry
 *       it (their generation must survive); the event-response records in the same table do
 *       ({@link com.qualisys.controlplane.events.EventLedger});</li>
 *   <li>lock item attributes: {@code environment}, {@code holder}, {@code leaseId}, {@code acquiredAt}
 *       (String), {@value #LEASE_EXPIRY} and {@code generation} (Number); after a release or unlock
 *       {@code lastHolder}, {@code releasedAt}, and for an unlock {@code unlockedBy}; the last write
 *       checked by the fence: {@code lastWrite}, {@code lastWriteAt}.</li>
 * </ul>
 * Access: the control plane's functions need dynamodb:PutItem, GetItem, UpdateItem, DeleteItem on
 * the table; people get read access at most (the seed: state access for DevOps only).
 */
public final class ApplyLock {
    public static final String PARTITION_KEY = "lockId";
    public static final String TTL_ATTRIBUTE = "expiresAt";
    public static final String LEASE_EXPIRY = "leaseExpiresAt";
    private static final String FREE_OR_EXPIRED = "attribute_not_exists(leaseId) OR " + LEASE_EXPIRY + " <= :now";
    private static final String OWNED = "leaseId = :leaseId";
    private static final String CLEARED = " REMOVE holder, leaseId, " + LEASE_EXPIRY + ", acquiredAt";

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
     * the run that holds it. An expired lease is taken over (the new lease says from whom). The new
     * lease's generation is one more than any before it.
     */
    public Lease acquire(String environment, String holder, Duration duration) {
        if (holder == null || holder.isBlank()) throw new IllegalArgumentException("a lease needs a holder (who is applying)");
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, was " + duration);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            Instant now = truncated(clock.instant());
            Map<String, AttributeValue> old = item(environment);
            if (old.containsKey("leaseId") && expiry(old).isAfter(now)) throw new LockHeldException(lease(old, null));
            long generation = old.containsKey("generation") ? Long.parseLong(old.get("generation").n()) : 0;
            Lease lease = new Lease(environment, holder, UUID.randomUUID().toString(), generation + 1, now, truncated(now.plus(duration)),
                    old.containsKey("leaseId") ? old.get("holder").s() : null);
            Map<String, AttributeValue> item = new HashMap<>(old);
            item.putAll(item(lease));
            // Optimistic: written only if the item is still as read (same generation, still free or expired).
            String condition = old.isEmpty() ? "attribute_not_exists(" + PARTITION_KEY + ")"
                    : (old.containsKey("generation") ? "generation = :generation" : "attribute_not_exists(generation)") + " AND (" + FREE_OR_EXPIRED + ")";
            Map<String, AttributeValue> values = new HashMap<>();
            if (!old.isEmpty()) values.put(":now", number(now.getEpochSecond()));
            if (old.containsKey("generation")) values.put(":generation", number(generation));
            try {
                dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression(condition)
                        .expressionAttributeValues(values.isEmpty() ? null : values));
                return lease;
            } catch (ConditionalCheckFailedException e) {
                // Another run wrote the item between our read and our write: read it again (it may hold the lease now).
            }
        }
        throw new LockHeldException(environment, "another run (the lease changed hands while it was being taken)", null, clock.instant());
    }

    /**
     * Extends a lease this run holds (a heartbeat); throws {@link LeaseLostException} if it is no
     * longer ours. The lease returned carries the stored generation.
     */
    public Lease renew(Lease lease, Duration duration) {
        Instant expiresAt = truncated(clock.instant().plus(duration));
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(r -> r.tableName(table).key(key(lease.environment()))
                    .updateExpression("SET " + LEASE_EXPIRY + " = :expiresAt")
                    .conditionExpression(OWNED)
                    .expressionAttributeValues(Map.of(":expiresAt", number(expiresAt.getEpochSecond()),
                            ":leaseId", AttributeValue.fromS(lease.leaseId())))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return lease(item, lease.takenOverFrom());
        } catch (ConditionalCheckFailedException e) {
            throw new LeaseLostException(lease.environment(), lease.holder(), holderIn(e, lease.environment()));
        }
    }

    /**
     * Extends the lease held by {@code holder} (a state machine renews by its execution id, unique to
     * one run, because its lease id changes when it re-acquires after an approval wait).
     */
    public Lease renew(String environment, String holder, Duration duration) {
        Instant expiresAt = truncated(clock.instant().plus(duration));
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(r -> r.tableName(table).key(key(environment))
                    .updateExpression("SET " + LEASE_EXPIRY + " = :expiresAt")
                    .conditionExpression("holder = :holder AND attribute_exists(leaseId)")
                    .expressionAttributeValues(Map.of(":expiresAt", number(expiresAt.getEpochSecond()),
                            ":holder", AttributeValue.fromS(holder)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return lease(item, null);
        } catch (ConditionalCheckFailedException e) {
            throw new LeaseLostException(environment, holder, holderIn(e, environment));
        }
    }

    /**
     * Gives a lease back. Only its holder can: releasing a lease another run has taken over throws
     * {@link LeaseLostException} and leaves that run's lease alone. Releasing twice is harmless.
     */
    public void release(Lease lease) {
        clear(lease.environment(), lease.holder(), OWNED, Map.of(":leaseId", AttributeValue.fromS(lease.leaseId())), null);
    }

    /**
     * Gives back the environment's lease held by {@code holder}; the state machines release by
     * their execution id, which is unique to one run. Same rules as {@link #release(Lease)}.
     */
    public void release(String environment, String holder) {
        clear(environment, holder, "holder = :holder", Map.of(":holder", AttributeValue.fromS(holder)), null);
    }

    /**
     * Breaks a lease whose run is gone (Terraform's force-unlock): only with the lease's id, so a
     * lease taken since by another run is never broken by mistake; {@code by} (the caller's AWS
     * identity) is recorded on the lock item.
     */
    public Lease forceUnlock(String environment, String leaseId, String by) {
        if (leaseId == null || leaseId.isBlank()) throw new IllegalArgumentException("--lease: the holder's lease id is required");
        Optional<Lease> current = current(environment);
        if (current.isEmpty()) throw new IllegalArgumentException("environment " + environment + " is not locked");
        if (!current.get().leaseId().equals(leaseId)) {
            throw new IllegalArgumentException("lease " + leaseId + " is not the lease on " + environment + ": it is held by "
                    + current.get().holder() + " (generation " + current.get().generation() + ", since " + current.get().acquiredAt()
                    + "); nothing was unlocked");
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":leaseId", AttributeValue.fromS(leaseId));
        values.put(":by", AttributeValue.fromS(by));
        try {
            clearOrThrow(environment, OWNED, values, ", unlockedBy = :by");
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalArgumentException("lease " + leaseId + " on " + environment + " changed hands while unlocking; nothing was unlocked");
        }
        return current.get();
    }

    /**
     * Runs {@code work} holding the environment's lease: acquires it (or throws {@link LockHeldException}),
     * hands the work the lease's fence, and releases the lease however the work ends.
     */
    public <T> T withLease(String environment, String holder, Duration duration, java.util.function.Function<LeaseFence, T> work) {
        Lease lease = acquire(environment, holder, duration);
        T result;
        try {
            result = work.apply(fence(lease));
        } catch (RuntimeException | Error e) {
            try {
                release(lease);
            } catch (RuntimeException lost) {
                e.addSuppressed(lost);
            }
            throw e;
        }
        release(lease);
        return result;
    }

    /**
     * The fence of a lease: before each write, a conditional write on the lock item that succeeds
     * only while the lease is still this run's and unexpired (same lease id and generation).
     */
    public LeaseFence fence(Lease lease) {
        return new LeaseFence(this, lease);
    }

    /** Records the write the fence is about to allow, or throws {@link FencedOutException}. */
    void checkFence(Lease lease, String write) {
        Instant now = clock.instant();
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(lease.environment()))
                    .updateExpression("SET lastWrite = :write, lastWriteAt = :at")
                    .conditionExpression("leaseId = :leaseId AND generation = :generation AND " + LEASE_EXPIRY + " > :now")
                    .expressionAttributeValues(Map.of(":write", AttributeValue.fromS(write), ":at", AttributeValue.fromS(now.toString()),
                            ":leaseId", AttributeValue.fromS(lease.leaseId()), ":generation", number(lease.generation()),
                            ":now", number(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException e) {
            throw new FencedOutException(lease, write, current(lease.environment()).orElse(null));
        }
    }

    /** The lease on an environment as stored (possibly expired), if any. */
    public Optional<Lease> current(String environment) {
        Map<String, AttributeValue> item = item(environment);
        return !item.containsKey("leaseId") ? Optional.empty() : Optional.of(lease(item, null));
    }

    /** The lock item as stored, attribute → value (for audits and tests: who released, the last write). */
    public Map<String, String> record(String environment) {
        Map<String, String> out = new HashMap<>();
        item(environment).forEach((k, v) -> out.put(k, v.s() != null ? v.s() : v.n()));
        return out;
    }

    private void clear(String environment, String holder, String condition, Map<String, AttributeValue> values, String extraSet) {
        try {
            clearOrThrow(environment, condition, values, extraSet);
        } catch (ConditionalCheckFailedException e) {
            String current = holderIn(e, environment);
            if (current != null) throw new LeaseLostException(environment, holder, current);
        }
    }

    private void clearOrThrow(String environment, String condition, Map<String, AttributeValue> values, String extraSet) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":releasedAt", AttributeValue.fromS(clock.instant().toString()));
        dynamo.updateItem(r -> r.tableName(table).key(key(environment))
                .updateExpression("SET lastHolder = holder, releasedAt = :releasedAt" + (extraSet == null ? "" : extraSet) + CLEARED)
                .conditionExpression(condition)
                .expressionAttributeValues(all)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    }

    private String holderIn(ConditionalCheckFailedException e, String environment) {
        if (e.hasItem() && e.item().containsKey("leaseId")) return e.item().get("holder").s();
        return current(environment).map(Lease::holder).orElse(null);
    }

    private Map<String, AttributeValue> item(String environment) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(environment)).consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> item(Lease lease) {
        Map<String, AttributeValue> item = new HashMap<>(key(lease.environment()));
        item.put("environment", AttributeValue.fromS(lease.environment()));
        item.put("holder", AttributeValue.fromS(lease.holder()));
        item.put("leaseId", AttributeValue.fromS(lease.leaseId()));
        item.put("generation", number(lease.generation()));
        item.put("acquiredAt", AttributeValue.fromS(lease.acquiredAt().toString()));
        item.put(LEASE_EXPIRY, number(lease.expiresAt().getEpochSecond()));
        return item;
    }

    /** The lease expiry of an item (items written before fencing kept it in the TTL attribute). */
    private static Instant expiry(Map<String, AttributeValue> item) {
        AttributeValue v = item.containsKey(LEASE_EXPIRY) ? item.get(LEASE_EXPIRY) : item.get(TTL_ATTRIBUTE);
        return v == null ? Instant.EPOCH : Instant.ofEpochSecond(Long.parseLong(v.n()));
    }

    private static Map<String, AttributeValue> key(String environment) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(lockId(environment)));
    }

    private static Lease lease(Map<String, AttributeValue> item, String takenOverFrom) {
        return new Lease(item.get("environment").s(), item.get("holder").s(), item.get("leaseId").s(),
                item.containsKey("generation") ? Long.parseLong(item.get("generation").n()) : 0, Instant.parse(item.get("acquiredAt").s()),
                expiry(item), takenOverFrom);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Instant truncated(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }
}
