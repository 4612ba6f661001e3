package com.qualisys.controlplane.events.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.qualisys.controlplane.engine.AttributeOverride;
import com.qualisys.controlplane.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Overrides as JSON objects in the control plane's report bucket, {@code overrides/<env>/<id>.json}.
 * S3 rather than DynamoDB: the bucket already exists and is where drift reports live (one place to
 * audit what the control plane did), overrides are few per environment and written once per budget
 * period; a drift check reads them with one
 * ListObjectsV2 page and a GetObject each. Restored overrides stay, marked RESTORED, as the audit trail.
 * Writes are conditional (S3's If-None-Match and If-Match): a record is created once, and replaced only
 * in the version its writer read.
 */
public final class OverrideStore {
    private static final ObjectWriter WRITER = Json.javaTime().writer(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectReader READER = Json.javaTime().readerFor(OverrideRecord.class);

    private final S3Client s3;
    private final String bucket;
    private final String environment;

    public OverrideStore(S3Client s3, String bucket, String environment) {
        this.s3 = s3;
        this.bucket = bucket;
        this.environment = environment;
    }

    public String key(String id) {
        return prefix() + id + ".json";
    }

    private String prefix() {
        return "overrides/" + environment + "/";
    }

    /** A record as stored, with the ETag a conditional replace must name. */
    public record Stored(OverrideRecord record, String etag) {}

    /**
     * Writes a new record only if none with its id exists (If-None-Match: *): of two responses to the
     * same alert, one creates it. Returns false when it existed already (read it with {@link #read}).
     */
    public boolean create(OverrideRecord record) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key(record.id())).contentType("application/json").ifNoneMatch("*"), body(record));
            return true;
        } catch (S3Exception e) {
            if (isConditionFailure(e)) return false;
            throw e;
        }
    }

    /**
     * Replaces a record only if it is still the version read (If-Match: its ETag), so a restore and a cap
     * racing each other cannot overwrite each other's record; throws {@link OverrideChangedException} otherwise.
     */
    public void replace(OverrideRecord record, String etag) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(key(record.id())).contentType("application/json").ifMatch(etag), body(record));
        } catch (S3Exception e) {
            if (isConditionFailure(e)) throw new OverrideChangedException(record.id());
            throw e;
        }
    }

    /** The record with its ETag. */
    public Optional<Stored> read(String id) {
        try {
            var object = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(id)));
            return Optional.of(new Stored(read(object.asByteArray(), key(id)), object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Another writer changed the record since it was read. */
    public static final class OverrideChangedException extends RuntimeException {
        OverrideChangedException(String id) {
            super("override " + id + " was changed by another writer since it was read");
        }
    }

    /** 412 Precondition Failed; 409 ConditionalRequestConflict when a concurrent conditional write is in flight. */
    private static boolean isConditionFailure(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    private static RequestBody body(OverrideRecord record) {
        try {
            return RequestBody.fromBytes(WRITER.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write override " + record.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    public Optional<OverrideRecord> get(String id) {
        return read(id).map(Stored::record);
    }

    public List<OverrideRecord> all() {
        List<OverrideRecord> records = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix())).contents()) {
            if (!o.key().endsWith(".json")) continue;
            records.add(read(s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray(), o.key()));
        }
        return records;
    }

    /** The overrides a drift check must respect. */
    public List<OverrideRecord> active() {
        return all().stream().filter(OverrideRecord::active).toList();
    }

    /**
     * The engine's override source ({@code Reconciler.withOverrides}): environment → its active overrides.
     * A report bucket that does not exist yet holds no overrides.
     */
    public static Function<String, List<AttributeOverride>> source(S3Client s3, String bucket) {
        return environment -> {
            try {
                return OverrideFilter.attributeOverrides(new OverrideStore(s3, bucket, environment).active());
            } catch (NoSuchBucketException noBucketYet) {
                return List.of();
            }
        };
    }

    private static OverrideRecord read(byte[] body, String key) {
        try {
            return READER.readValue(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("override object " + key + " is not a valid override record: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }
}
