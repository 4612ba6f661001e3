package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Tags;
import java.util.Map;
import java.util.UUID;

/** Reads and writes the qualisys:* identity tags, whatever shape a service gives them. */
public final class Identity {
    private Identity() {}

    /** The logical id a live resource claims in this environment, or null when it is not ours. */
    public static String logicalId(Map<String, String> tags, String environment) {
        if (tags == null) return null;
        if (!environment.equals(tags.get(Tags.ENVIRONMENT))) return null;
        if (!Tags.MANAGED_BY_VALUE.equals(tags.get(Tags.MANAGED_BY))) return null;
        return tags.get(Tags.LOGICAL_ID);
    }

    /**
     * Whether a resource found by its unique attributes, not by its tags, may be taken as the one of this logical id:
     * unless its qualisys:* tags that are left name another environment or another logical id (some or all of them
     * were removed out of band).
     */
    public static boolean claimable(Map<String, String> tags, LayerContext ctx, String logicalId) {
        String environment = tags.get(Tags.ENVIRONMENT);
        String id = tags.get(Tags.LOGICAL_ID);
        return (environment == null || environment.equals(ctx.environment())) && (id == null || id.equals(logicalId));
    }

    public static boolean isOurs(Map<String, String> tags, LayerContext ctx, String logicalId) {
        return logicalId.equals(logicalId(tags, ctx.environment()));
    }

    /**
     * A client token that is the same for every attempt to create one resource with the same
     * desired attributes in one environment, so a create retried after a crash is recognised by
     * the service instead of repeated; a replacement (other attributes) gets a token of its own.
     */
    public static String clientToken(LayerContext ctx, DesiredResource desired) {
        return clientToken(ctx, desired.logicalId() + "|" + desired.attributes());
    }

    public static String clientToken(LayerContext ctx, String key) {
        return UUID.nameUUIDFromBytes((ctx.environment() + "|" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The last segment of a logical id ("general" of "eks/node-group/general"). */
    public static String name(String logicalId) {
        return logicalId.substring(logicalId.lastIndexOf('/') + 1);
    }
}
