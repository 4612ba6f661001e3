package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A layer made of {@link ManagedKind}s, in dependency order: observes them in two steps (list every
 * kind and register its physical ids, then read attributes, so attributes can turn physical ids
 * into refs), looks for the desired resources not found by their tags among the untagged ones, and
 * dispatches a change to its kind.
 */
public final class ManagedKinds {
    private final String layer;
    private final List<ManagedKind<?>> kinds;
    private final Map<String, ManagedKind<?>> byName = new LinkedHashMap<>();

    public ManagedKinds(String layer, List<ManagedKind<?>> kinds) {
        this.layer = layer;
        this.kinds = List.copyOf(kinds);
        for (ManagedKind<?> k : this.kinds) {
            if (byName.put(k.kind().name(), k) != null) {
                throw new IllegalArgumentException("layer " + layer + " lists kind " + k.kind().name() + " twice");
            }
        }
    }

    public List<AttributeDecisions> decisions() {
        return kinds.stream().map(ManagedKind::decisions).toList();
    }

    /**
     * Lists every kind, then looks for the desired resources that were not found by their tags
     * among the untagged ones (their qualisys:* tags removed out of band), kind by kind in
     * dependency order so a subnet can be found in a VPC found before it.
     */
    public List<ObservedResource> observe(LayerContext ctx, List<DesiredResource> desired) {
        List<Listed<?>> listed = kinds.stream().<Listed<?>>map(k -> Listed.of(k, ctx)).toList();
        listed.forEach(l -> l.register(ctx));
        List<DesiredResource> missing = desired.stream().filter(d -> ctx.index().known(d.logicalId()).isEmpty()).toList();
        for (Listed<?> l : listed) {
            for (DesiredResource want : missing) {
                if (want.kind().name().equals(l.kind().kind().name())) l.findUntagged(want, ctx);
            }
        }
        List<ObservedResource> out = new ArrayList<>();
        listed.forEach(l -> l.observed(ctx, out));
        return out;
    }

    /** Applies one change with its kind; a resource found without its identity tags is tagged again first. */
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        ManagedKind<?> kind = byName.get(change.kind());
        if (kind == null) throw new IllegalArgumentException("layer " + layer + " has no resource kind '" + change.kind() + "'");
        if (observed != null && observed.identityLost()) kind.restoreIdentity(observed.physicalId(), observed.logicalId(), ctx);
        switch (change.action()) {
            case CREATE -> kind.create(desired, ctx);
            case UPDATE -> kind.update(desired, observed, ctx);
            case DELETE -> kind.delete(change.physicalId(), observed, ctx);
            case REPLACE -> throw new IllegalArgumentException("a replace is applied as a delete and a create");
        }
    }

    /** The live instances of one kind with their ids, kept until every kind is listed. */
    private record Listed<T>(ManagedKind<T> kind, List<T> items, List<String> logicalIds, Set<String> untagged) {
        static <T> Listed<T> of(ManagedKind<T> kind, LayerContext ctx) {
            List<T> items = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (T item : kind.list(ctx)) {
                String logicalId = kind.logicalId(item, ctx);
                if (logicalId == null) continue;
                items.add(item);
                ids.add(logicalId);
            }
            return new Listed<>(kind, items, ids, new HashSet<>());
        }

        /** Adds the instance that lost its identity tags, when the kind can find it, and registers it. */
        void findUntagged(DesiredResource want, LayerContext ctx) {
            kind.findUntagged(want, ctx).ifPresent(item -> {
                items.add(item);
                logicalIds.add(want.logicalId());
                untagged.add(want.logicalId());
                ctx.index().put(want.logicalId(), kind.physicalId(item));
            });
        }

        void register(LayerContext ctx) {
            for (int i = 0; i < items.size(); i++) ctx.index().put(logicalIds.get(i), kind.physicalId(items.get(i)));
        }

        void observed(LayerContext ctx, List<ObservedResource> out) {
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                out.add(new ObservedResource(logicalIds.get(i), kind.kind().name(), kind.physicalId(item), kind.attributes(item, ctx),
                        untagged.contains(logicalIds.get(i))));
            }
        }
    }
}
