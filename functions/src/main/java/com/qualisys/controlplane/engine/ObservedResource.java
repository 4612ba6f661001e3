package com.qualisys.controlplane.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A live resource found by its qualisys:logical-id tag. Attributes use the same shapes as the
 * desired side, with physical ids of other managed resources already turned into
 * {@code ref:<logical-id>} so the two compare directly.
 *
 * @param identityLost found without its qualisys:* tags (removed out of band), by the attributes
 *                     that make it unique (a subnet by its VPC and CIDR): drift that apply repairs
 *                     by tagging it again, never by creating a second one
 */
public record ObservedResource(String logicalId, String kind, String physicalId, Map<String, Object> attributes, boolean identityLost) {
    /** The difference a resource found without its identity tags shows in a plan. */
    public static final Difference IDENTITY_TAGS_REMOVED = new Difference("identity", "qualisys:* tags", "identity tags removed");

    public ObservedResource {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public ObservedResource(String logicalId, String kind, String physicalId, Map<String, Object> attributes) {
        this(logicalId, kind, physicalId, attributes, false);
    }
}
