package com.qualisys.controlplane.events.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Overrides as JSON objects in the control plane's report bucket, {@code overrides/<env>/<id>.json}.
 * S3 rather than DynamoDB: the bucket already exists and is where drift reports live (one place to
 * audit what the control plane did), overrides are few per environment and written once per budget
 * period by one writer, so no conditional-write contention arises; a drift check reads them with one
 * ListObjectsV2 page and a GetObject each. Restored overrides stay, marked RESTORED, as the audit trail.
 */
public final class OverrideStore {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT).build();

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

    public void put(OverrideRecord record) {
        try {
            byte[] body = JSON.writeValueAsBytes(record);
            s3.putObject(r -> r.bucket(bucket).key(key(record.id())).contentType("application/json"), RequestBody.fromBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write override " + record.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    public Optional<OverrideRecord> get(String id) {
        try {
            return Optional.of(read(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(id))).asByteArray(), key(id)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
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

    private static OverrideRecord read(byte[] body, String key) {
        try {
            return JSON.readValue(body, OverrideRecord.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("override object " + key + " is not a valid override record: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }
}
