package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.ChangedAttributes;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The CloudTrail log bucket: encrypted (SSE-S3), no public access, a policy that lets only the
 * management trail write, and objects that expire after the retention days. S3 bucket names are
 * global, so the bucket is identified by its name; it is tagged right after creation (S3 takes no
 * tags on CreateBucket), and a crash between the create and its settings leaves a bucket whose
 * missing settings the next run applies.
 *
 * <p>Observe: ListBuckets once, then one Get call per setting (S3 has no call that returns them together).
 */
final class TrailBucket {
    private final LayerContext ctx;
    private final S3Client s3;

    TrailBucket(LayerContext ctx) {
        this.ctx = ctx;
        this.s3 = ctx.aws().s3();
    }

    Optional<ObservedResource> observe(String bucket, String account) {
        if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) return Optional.empty();
        String id = MonitoringDesired.bucketId(bucket);
        ctx.index().put(id, bucket);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("encryption", absentIf404(() -> s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration()
                .rules().stream().map(rule -> rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString()).findFirst().orElse(null)));
        attrs.put("publicAccessBlock", absentIf404(() -> publicAccessBlock(s3.getPublicAccessBlock(r -> r.bucket(bucket))
                .publicAccessBlockConfiguration())));
        Map<String, Object> desiredPolicy = PolicyDocument.canonical(AccessPolicies.trailBucket(bucket, ctx.spec().aws().region(),
                ctx.spec().monitoring().cloudTrail().trailName()));
        attrs.put("policy", absentIf404(() -> PolicyDocument.observed(s3.getBucketPolicy(r -> r.bucket(bucket)).policy(), account, desiredPolicy)));
        List<Map<String, Object>> rules = absentIf404(() -> s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules()
                .stream().map(TrailBucket::lifecycleRule).toList());
        attrs.put("lifecycle", rules == null ? List.of() : sortedRules(rules));
        Map<String, String> tags = new LinkedHashMap<>();
        List<Tag> tagSet = absentIf404(() -> s3.getBucketTagging(r -> r.bucket(bucket)).tagSet());
        if (tagSet != null) tagSet.forEach(t -> tags.put(t.key(), t.value()));
        attrs.put("tags", tags);
        return Optional.of(new ObservedResource(id, MonitoringDesired.LOG_BUCKET.name(), bucket, attrs));
    }

    void apply(Change change, DesiredResource desired) {
        String bucket = MonitoringDesired.nameOf(change.logicalId());
        switch (change.action()) {
            case CREATE -> {
                s3.createBucket(r -> r.bucket(bucket));
                ctx.index().put(change.logicalId(), bucket);
                // Public access is blocked before anything else is set on the bucket.
                blockPublicAccess(bucket);
                encrypt(bucket);
                putPolicy(bucket);
                putLifecycle(bucket, desired);
                putTags(bucket, desired);
            }
            case UPDATE -> {
                Set<String> differing = ChangedAttributes.of(change);
                if (differing.contains("publicAccessBlock")) blockPublicAccess(bucket);
                if (differing.contains("encryption")) encrypt(bucket);
                if (differing.contains("policy")) putPolicy(bucket);
                if (differing.contains("lifecycle")) putLifecycle(bucket, desired);
                if (differing.contains("tags")) putTags(bucket, desired);
            }
            // Deleting the audit log bucket is destructive and needs approval; S3 refuses unless it is empty.
            case DELETE -> s3.deleteBucket(r -> r.bucket(bucket));
            case REPLACE -> throw new IllegalStateException("the log bucket is never replaced: " + change.logicalId());
        }
    }

    private void blockPublicAccess(String bucket) {
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
    }

    private void encrypt(String bucket) {
        s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
    }

    private void putPolicy(String bucket) {
        var trail = ctx.spec().monitoring().cloudTrail();
        String policy = PolicyDocument.render(AccessPolicies.trailBucket(bucket, ctx.spec().aws().region(), trail.trailName()),
                ctx.aws().accountId());
        s3.putBucketPolicy(r -> r.bucket(bucket).policy(policy));
    }

    @SuppressWarnings("unchecked")
    private void putLifecycle(String bucket, DesiredResource desired) {
        List<LifecycleRule> rules = new ArrayList<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) desired.attribute("lifecycle")) {
            rules.add(LifecycleRule.builder().id((String) rule.get("id")).status((String) rule.get("status"))
                    .filter(f -> f.prefix((String) rule.get("prefix")))
                    .expiration(e -> e.days(((Number) rule.get("expirationDays")).intValue())).build());
        }
        s3.putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));
    }

    private void putTags(String bucket, DesiredResource desired) {
        List<Tag> tags = desired.stringMap("tags").entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        s3.putBucketTagging(r -> r.bucket(bucket).tagging(t -> t.tagSet(tags)));
    }

    static Map<String, Object> publicAccessBlock(PublicAccessBlockConfiguration c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blockPublicAcls", Boolean.TRUE.equals(c.blockPublicAcls()));
        m.put("ignorePublicAcls", Boolean.TRUE.equals(c.ignorePublicAcls()));
        m.put("blockPublicPolicy", Boolean.TRUE.equals(c.blockPublicPolicy()));
        m.put("restrictPublicBuckets", Boolean.TRUE.equals(c.restrictPublicBuckets()));
        return m;
    }

    static Map<String, Object> lifecycleRule(LifecycleRule r) {
        String prefix = r.filter() != null && r.filter().prefix() != null ? r.filter().prefix() : r.prefix() == null ? "" : r.prefix();
        Integer days = r.expiration() == null ? null : r.expiration().days();
        Map<String, Object> rule = MonitoringDesired.lifecycleRule(r.id(), r.statusAsString(), prefix, days);
        // Conditions the seed's rule never has: a rule narrowed by them lets logs outlive the retention.
        List<String> narrowing = new ArrayList<>();
        if (r.filter() != null) {
            if (r.filter().tag() != null) narrowing.add("Filter.Tag=" + r.filter().tag().key() + ":" + r.filter().tag().value());
            if (r.filter().objectSizeGreaterThan() != null) narrowing.add("Filter.ObjectSizeGreaterThan=" + r.filter().objectSizeGreaterThan());
            if (r.filter().objectSizeLessThan() != null) narrowing.add("Filter.ObjectSizeLessThan=" + r.filter().objectSizeLessThan());
            if (r.filter().and() != null) narrowing.add("Filter.And=" + r.filter().and());
        }
        if (r.expiration() != null && r.expiration().date() != null) narrowing.add("Expiration.Date=" + r.expiration().date());
        if (!narrowing.isEmpty()) rule.put("narrowedBy", narrowing);
        return rule;
    }

    private static List<Map<String, Object>> sortedRules(List<Map<String, Object>> rules) {
        return rules.stream().sorted(java.util.Comparator.comparing(r -> String.valueOf(r.get("id")))).toList();
    }

    /** S3 answers 404 (NoSuchLifecycleConfiguration, NoSuchBucketPolicy, ...) when a setting is absent. */
    private static <T> T absentIf404(Supplier<T> get) {
        try {
            return get.get();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return null;
            throw e;
        }
    }
}
