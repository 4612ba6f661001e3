package com.qualisys.controlplane.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Logical id ↔ physical id of every managed resource seen in this run. Filled by observe (from
 * the qualisys:logical-id tags) and by create. A logical id of another layer ("vpc/subnet/private-a"
 * asked from the EKS layer) makes the index observe that layer once, through the loader.
 */
public final class ResourceIndex {
    private final Map<String, String> physicalByLogical = new HashMap<>();
    private final Map<String, String> logicalByPhysical = new HashMap<>();
    private final Set<String> observedLayers = new HashSet<>();
    private final Consumer<String> layerLoader;

    public ResourceIndex(Consumer<String> layerLoader) {
        this.layerLoader = layerLoader;
    }

    public synchronized void put(String logicalId, String physicalId) {
        if (logicalId == null || physicalId == null) return;
        physicalByLogical.putIfAbsent(logicalId, physicalId);
        logicalByPhysical.putIfAbsent(physicalId, logicalId);
    }

    /** Forget a resource (after delete or before a replace creates its successor). */
    public synchronized void remove(String logicalId) {
        String physical = physicalByLogical.remove(logicalId);
        if (physical != null) logicalByPhysical.remove(physical);
    }

    public synchronized void markObserved(String layer) {
        observedLayers.add(layer);
    }

    /** The physical id already registered for a logical id, without observing its layer. */
    public synchronized Optional<String> known(String logicalId) {
        return Optional.ofNullable(physicalByLogical.get(logicalId));
    }

    public Optional<String> physicalId(String logicalId) {
        synchronized (this) {
            String id = physicalByLogical.get(logicalId);
            if (id != null) return Optional.of(id);
        }
        String layer = layerOf(logicalId);
        boolean load;
        synchronized (this) {
            load = observedLayers.add(layer);
        }
        if (load && layerLoader != null) layerLoader.accept(layer);
        synchronized (this) {
            return Optional.ofNullable(physicalByLogical.get(logicalId));
        }
    }

    /** The physical id a ref points to, or an error naming the missing resource. */
    public String require(String logicalId) {
        return physicalId(logicalId).orElseThrow(() -> new IllegalStateException(
                "resource " + logicalId + " does not exist yet: apply layer '" + layerOf(logicalId) + "' first"));
    }

    public synchronized Optional<String> logicalId(String physicalId) {
        return Optional.ofNullable(logicalByPhysical.get(physicalId));
    }

    /** "ref:<logical-id>" for a managed physical id; the physical id itself otherwise. */
    public String refOrRaw(String physicalId) {
        if (physicalId == null) return null;
        return logicalId(physicalId).map(DesiredResource::ref).orElse(physicalId);
    }

    public static String layerOf(String logicalId) {
        int slash = logicalId.indexOf('/');
        return slash < 0 ? logicalId : logicalId.substring(0, slash);
    }
}
