package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
final class TrailBucket implements ManagedKind<String> {

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.LOG_BUCKET;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.bucket();
    }

    /** The spec's bucket, when ListBuckets has it (its name). */
    @Override
    public List<String> list(LayerContext ctx) {
        String bucket = ctx.spec().monitoring().cloudTrail().bucket();
        return ctx.aws().s3().listBuckets().buckets().stream().map(b -> b.name()).filter(bucket::equals).limit(1).toList();
    }

    @Override
    public String logicalId(String bucket, LayerContext ctx) {
        return MonitoringDesired.bucketId(bucket);
    }

    @Override
    public String physicalId(String bucket) {
        return bucket;
    }

    @Override
    public Map<String, Object> attributes(String bucket, LayerContext ctx) {
        S3Client s3 = ctx.aws().s3();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("encryption", absentIf404(() -> s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration()
                .rules().stream().map(rule -> rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString()).findFirst().orElse(null)));
        attrs.put("publicAccessBlock", absentIf404(() -> publicAccessBlock(s3.getPublicAccessBlock(r -> r.bucket(bucket))
                .publicAccessBlockConfiguration())));
        Map<String, Object> desiredPolicy = PolicyDocument.canonical(AccessPolicies.trailBucket(bucket, ctx.spec().aws().region(),
                ctx.spec().monitoring().cloudTrail().trailName()));
        attrs.put("policy", absentIf404(() -> PolicyDocument.observed(s3.getBucketPolicy(r -> r.bucket(bucket)).policy(),
                ctx.aws().accountId(), desiredPolicy)));
        List<Map<String, Object>> rules = absentIf404(() -> s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules()
                .stream().map(TrailBucket::lifecycleRule).toList());
        attrs.put("lifecycle", rules == null ? List.of() : sortedRules(rules));
        Map<String, String> tags = new LinkedHashMap<>();
        List<Tag> tagSet = absentIf404(() -> s3.getBucketTagging(r -> r.bucket(bucket)).tagSet());
        if (tagSet != null) tagSet.forEach(t -> tags.put(t.key(), t.value()));
        attrs.put("tags", tags);
        return attrs;
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        S3Client s3 = ctx.aws().s3();
        String bucket = MonitoringDesired.nameOf(desired.logicalId());
        s3.createBucket(r -> r.bucket(bucket));
        ctx.index().put(desired.logicalId(), bucket);
        // Public access is blocked before anything else is set on the bucket.
        blockPublicAccess(s3, bucket);
        encrypt(s3, bucket);
        putPolicy(ctx, bucket);
        putLifecycle(s3, bucket, desired);
        putTags(s3, bucket, desired);
    }

    @Override
    public void update(DesiredResource desired, ObservedResource live, LayerContext ctx) {
        S3Client s3 = ctx.aws().s3();
        String bucket = live.physicalId();
        Set<String> differing = ManagedKind.differing(desired, live);
        if (differing.contains("publicAccessBlock")) blockPublicAccess(s3, bucket);
        if (differing.contains("encryption")) encrypt(s3, bucket);
        if (differing.contains("policy")) putPolicy(ctx, bucket);
        if (differing.contains("lifecycle")) putLifecycle(s3, bucket, desired);
        if (differing.contains("tags")) putTags(s3, bucket, desired);
    }

    /** Deleting the audit log bucket is destructive and needs approval; S3 refuses unless it is empty. */
    @Override
    public void delete(String bucket, ObservedResource live, LayerContext ctx) {
        ctx.aws().s3().deleteBucket(r -> r.bucket(bucket));
    }

    private static void blockPublicAccess(S3Client s3, String bucket) {
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
    }

    private static void encrypt(S3Client s3, String bucket) {
        s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
    }

    private static void putPolicy(LayerContext ctx, String bucket) {
        var trail = ctx.spec().monitoring().cloudTrail();
        String policy = PolicyDocument.render(AccessPolicies.trailBucket(bucket, ctx.spec().aws().region(), trail.trailName()),
                ctx.aws().accountId());
        ctx.aws().s3().putBucketPolicy(r -> r.bucket(bucket).policy(policy));
    }

    @SuppressWarnings("unchecked")
    private static void putLifecycle(S3Client s3, String bucket, DesiredResource desired) {
        List<LifecycleRule> rules = new ArrayList<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) desired.attribute("lifecycle")) {
            rules.add(LifecycleRule.builder().id((String) rule.get("id")).status((String) rule.get("status"))
                    .filter(f -> f.prefix((String) rule.get("prefix")))
                    .expiration(e -> e.days(((Number) rule.get("expirationDays")).intValue())).build());
        }
        s3.putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));
    }

    private static void putTags(S3Client s3, String bucket, DesiredResource desired) {
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
