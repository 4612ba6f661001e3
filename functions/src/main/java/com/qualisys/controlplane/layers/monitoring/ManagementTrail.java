package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Tag;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * The management trail: all regions, global service events, management events, log file
 * validation, logging on. Trail names are unique per region and CreateTrail refuses a taken one,
 * so the trail is identified by its name; a crash between CreateTrail and PutEventSelectors or
 * StartLogging leaves a trail whose missing settings the next run applies.
 *
 * <p>Observe: DescribeTrails (this region's trails), then GetTrailStatus, GetEventSelectors and
 * ListTags for the one trail.
 */
final class ManagementTrail implements ManagedKind<Trail> {
    /** Where the logs go besides the bucket: each of these must be unset ({@value MonitoringDesired#NONE}). */
    static final String DELIVERY = "delivery";

    @Override
    public ResourceKind kind() {
        return MonitoringDesired.TRAIL;
    }

    @Override
    public AttributeDecisions decisions() {
        return MonitoringDecisions.trail();
    }

    /** The spec's trail among this region's (no shadow trails). */
    @Override
    public List<Trail> list(LayerContext ctx) {
        String name = ctx.spec().monitoring().cloudTrail().trailName();
        return ctx.aws().cloudTrail().describeTrails(r -> r.includeShadowTrails(false)).trailList().stream()
                .filter(t -> t.name().equals(name)).limit(1).toList();
    }

    @Override
    public String logicalId(Trail t, LayerContext ctx) {
        return MonitoringDesired.trailId(t.name());
    }

    @Override
    public String physicalId(Trail t) {
        return t.trailARN();
    }

    @Override
    public Map<String, Object> attributes(Trail t, LayerContext ctx) {
        CloudTrailClient cloudTrail = ctx.aws().cloudTrail();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("bucket", ctx.index().refOrRaw(t.s3BucketName()));
        attrs.put("multiRegion", Boolean.TRUE.equals(t.isMultiRegionTrail()));
        attrs.put("globalServiceEvents", Boolean.TRUE.equals(t.includeGlobalServiceEvents()));
        attrs.put("logFileValidation", Boolean.TRUE.equals(t.logFileValidationEnabled()));
        attrs.put(DELIVERY, delivery(t));
        attrs.put("logging", Boolean.TRUE.equals(cloudTrail.getTrailStatus(r -> r.name(t.trailARN())).isLogging()));
        attrs.put("eventSelectors", eventSelectors(cloudTrail.getEventSelectors(r -> r.trailName(t.trailARN()))));
        Map<String, String> tags = new LinkedHashMap<>();
        cloudTrail.listTags(r -> r.resourceIdList(t.trailARN())).resourceTagList()
                .forEach(rt -> rt.tagsList().forEach(tag -> tags.put(tag.key(), tag.value())));
        attrs.put("tags", tags);
        return attrs;
    }

    @Override
    public void delete(String arn, ObservedResource live, LayerContext ctx) {
        ctx.aws().cloudTrail().deleteTrail(r -> r.name(arn));
    }

    @Override
    public void create(DesiredResource desired, LayerContext ctx) {
        CloudTrailClient cloudTrail = ctx.aws().cloudTrail();
        String logicalId = desired.logicalId();
        String arn = cloudTrail.createTrail(r -> r.name(MonitoringDesired.nameOf(logicalId))
                .s3BucketName(ctx.resolve(desired.string("bucket")))
                .isMultiRegionTrail(bool(desired, "multiRegion"))
                .includeGlobalServiceEvents(bool(desired, "globalServiceEvents"))
                .enableLogFileValidation(bool(desired, "logFileValidation"))
                .tagsList(tags(desired))).trailARN();
        ctx.index().put(logicalId, arn);
        // Set explicitly rather than trusting the default for a new trail (moto's default differs from AWS's).
        putEventSelectors(cloudTrail, arn, desired);
        if (bool(desired, "logging")) cloudTrail.startLogging(r -> r.name(arn));
    }

    @Override
    public void update(DesiredResource desired, ObservedResource live, LayerContext ctx) {
        CloudTrailClient cloudTrail = ctx.aws().cloudTrail();
        String arn = live.physicalId();
        Set<String> differing = ManagedKind.differing(desired, live);
        if (differing.contains("bucket") || differing.contains("multiRegion") || differing.contains("globalServiceEvents")
                || differing.contains("logFileValidation")) {
            cloudTrail.updateTrail(r -> r.name(arn)
                    .s3BucketName(ctx.resolve(desired.string("bucket")))
                    .isMultiRegionTrail(bool(desired, "multiRegion"))
                    .includeGlobalServiceEvents(bool(desired, "globalServiceEvents"))
                    .enableLogFileValidation(bool(desired, "logFileValidation")));
        }
        if (differing.contains(DELIVERY)) {
            // An empty string removes each of these settings.
            cloudTrail.updateTrail(r -> r.name(arn).s3KeyPrefix("").kmsKeyId("").snsTopicName("")
                    .cloudWatchLogsLogGroupArn("").cloudWatchLogsRoleArn(""));
        }
        if (differing.contains("eventSelectors")) putEventSelectors(cloudTrail, arn, desired);
        if (differing.contains("tags")) cloudTrail.addTags(r -> r.resourceId(arn).tagsList(tags(desired)));
        if (differing.contains("logging")) {
            if (bool(desired, "logging")) cloudTrail.startLogging(r -> r.name(arn));
            else cloudTrail.stopLogging(r -> r.name(arn));
        }
    }

    static Map<String, Object> noDelivery() {
        Map<String, Object> d = new LinkedHashMap<>();
        for (String key : List.of("s3KeyPrefix", "kmsKeyId", "snsTopic", "cloudWatchLogsLogGroup", "cloudWatchLogsRole")) {
            d.put(key, MonitoringDesired.NONE);
        }
        return d;
    }

    static Map<String, Object> delivery(Trail t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("s3KeyPrefix", MonitoringDesired.noneIfBlank(t.s3KeyPrefix()));
        d.put("kmsKeyId", MonitoringDesired.noneIfBlank(t.kmsKeyId()));
        d.put("snsTopic", MonitoringDesired.noneIfBlank(t.snsTopicName()));
        d.put("cloudWatchLogsLogGroup", MonitoringDesired.noneIfBlank(t.cloudWatchLogsLogGroupArn()));
        d.put("cloudWatchLogsRole", MonitoringDesired.noneIfBlank(t.cloudWatchLogsRoleArn()));
        return d;
    }

    private static void putEventSelectors(CloudTrailClient cloudTrail, String arn, DesiredResource desired) {
        List<EventSelector> selectors = new ArrayList<>();
        for (Map<String, Object> s : selectors(desired)) {
            selectors.add(EventSelector.builder()
                    .readWriteType(ReadWriteType.fromValue((String) s.get("readWriteType")))
                    .includeManagementEvents((Boolean) s.get("includeManagementEvents"))
                    .excludeManagementEventSources(strings(s.get("excludeManagementEventSources")))
                    .build());
        }
        // Basic selectors replace any advanced ones the trail had.
        cloudTrail.putEventSelectors(r -> r.trailName(arn).eventSelectors(selectors));
    }

    /** Basic selectors as attribute values; advanced selectors (which replace basic ones) as their text. */
    static List<Map<String, Object>> eventSelectors(GetEventSelectorsResponse r) {
        if (r.hasAdvancedEventSelectors() && !r.advancedEventSelectors().isEmpty()) {
            return r.advancedEventSelectors().stream().map(a -> Map.<String, Object>of("advanced", a.toString())).toList();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (EventSelector s : r.eventSelectors()) {
            List<String> data = new ArrayList<>();
            for (DataResource d : s.dataResources()) d.values().forEach(v -> data.add(d.type() + ":" + v));
            out.add(MonitoringDesired.eventSelector(s.readWriteTypeAsString(), Boolean.TRUE.equals(s.includeManagementEvents()),
                    data, s.excludeManagementEventSources()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> selectors(DesiredResource desired) {
        return (List<Map<String, Object>>) desired.attribute("eventSelectors");
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object v) {
        return v == null ? List.of() : (List<String>) v;
    }

    private static boolean bool(DesiredResource desired, String name) {
        return Boolean.TRUE.equals(desired.attribute(name));
    }

    private static List<Tag> tags(DesiredResource desired) {
        return desired.stringMap("tags").entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }
}
