package com.qualisys.controlplane.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A live resource found by its qualisys:logical-id tag. Attributes use the same shapes as the
 * desired side, with physical ids of other managed resources already turned into
 * {@code ref:<logical-id>} so the two compare directly.
 */
public record ObservedResource(String logicalId, String kind, String physicalId, Map<String, Object> attributes) {
    public ObservedResource {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
