package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** Identity tags on EC2 resources: the describe filter, the tags at creation and their repair. */
final class Ec2Tags {
    private Ec2Tags() {}

    /** The server-side filter of every describe: this environment's resources only. */
    static Filter environmentFilter(LayerContext ctx) {
        return Filter.builder().name("tag:" + Tags.ENVIRONMENT).values(ctx.environment()).build();
    }

    /** Identity tags plus the desired tags (Name, EKS subnet tags), applied atomically at creation. */
    static TagSpecification atCreation(ResourceType type, LayerContext ctx, DesiredResource want) {
        return TagSpecification.builder().resourceType(type).tags(toTags(all(ctx, want))).build();
    }

    static Map<String, String> all(LayerContext ctx, DesiredResource want) {
        Map<String, String> tags = new LinkedHashMap<>(want.stringMap(VpcKinds.TAGS));
        tags.putAll(ctx.tags(want.logicalId(), null));
        return tags;
    }

    static List<Tag> toTags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    static Map<String, String> toMap(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(t -> map.put(t.key(), t.value()));
        return map;
    }

    /**
     * The logical id of a live resource when it carries this environment's tag and a logical id of
     * this layer and kind; null otherwise. Checked here as well as by the describe filter because
     * not every emulator applies tag filters (see docs/emulator-gaps.md).
     */
    static String logicalId(List<Tag> tags, LayerContext ctx, ResourceKind kind) {
        Map<String, String> map = toMap(tags);
        if (!ctx.environment().equals(map.get(Tags.ENVIRONMENT))) return null;
        String logicalId = map.get(Tags.LOGICAL_ID);
        return VpcIds.nameOf(kind.name(), logicalId) == null ? null : logicalId;
    }

    /**
     * The one instance among candidates found by unique attributes that carries no qualisys logical
     * id (one that does belongs to another resource or environment); empty when there is not exactly one.
     */
    static <T> java.util.Optional<T> untagged(List<T> candidates, java.util.function.Function<T, List<Tag>> tags) {
        List<T> bare = candidates.stream().filter(c -> !toMap(tags.apply(c)).containsKey(Tags.LOGICAL_ID)).toList();
        return bare.size() == 1 ? java.util.Optional.of(bare.getFirst()) : java.util.Optional.empty();
    }

    /** The physical id of the resource a desired "ref:..." attribute names, once observe has found it. */
    static java.util.Optional<String> known(LayerContext ctx, String ref) {
        return DesiredResource.isRef(ref) ? ctx.index().known(ref.substring(DesiredResource.REF.length())) : java.util.Optional.empty();
    }

    /** Tags a resource found without its identity with it again. */
    static void restoreIdentity(LayerContext ctx, String resourceId, String logicalId) {
        ctx.aws().ec2().createTags(r -> r.resources(resourceId).tags(toTags(ctx.tags(logicalId, null))));
    }

    static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    /** Sets the desired tags whose live value differs; tags the spec does not name are left alone. */
    static void repair(LayerContext ctx, String resourceId, DesiredResource want, ObservedResource live) {
        Map<String, String> liveTags = ManagedKind.stringMap(live, VpcKinds.TAGS);
        Map<String, String> fix = new LinkedHashMap<>();
        want.stringMap(VpcKinds.TAGS).forEach((k, v) -> {
            if (!Objects.equals(liveTags.get(k), v)) fix.put(k, v);
        });
        if (!fix.isEmpty()) ctx.aws().ec2().createTags(r -> r.resources(resourceId).tags(toTags(fix)));
    }
}
