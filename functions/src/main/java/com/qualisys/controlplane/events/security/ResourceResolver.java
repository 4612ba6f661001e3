package com.qualisys.controlplane.events.security;

import java.util.Map;
import java.util.Optional;

/**
 * Maps a physical id seen in an event (sg-…, acl-…, rtb-…, fl-…, a KMS key id) to the logical id of the
 * managed resource, or empty when the resource is not managed. In the handler this is the engine's
 * {@code ResourceIndex::logicalId} after the owning layers' observe has filled the index.
 */
@FunctionalInterface
public interface ResourceResolver {
    Optional<String> logicalId(String physicalId);

    static ResourceResolver of(Map<String, String> logicalByPhysical) {
        Map<String, String> copy = Map.copyOf(logicalByPhysical);
        return id -> Optional.ofNullable(id == null ? null : copy.get(id));
    }

    static ResourceResolver none() {
        return id -> Optional.empty();
    }
}
