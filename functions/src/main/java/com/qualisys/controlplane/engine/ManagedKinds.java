package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collections;
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
     * Lists the kinds in dependency order, each followed by a look for its desired resources that
     * were not found by their tags among the untagged ones (their qualisys:* tags removed out of
     * band), and registers what it found, so a kind's list and search can use the ids of the kinds
     * before it (a subnet is found in its VPC, node groups are listed only in a cluster that is
     * there). Then every kind reads its attributes, with every id in the index to turn into refs.
     */
    public List<ObservedResource> observe(LayerContext ctx, List<DesiredResource> desired) {
        List<Listed<?>> listed = new ArrayList<>();
        for (ManagedKind<?> kind : kinds) {
            Listed<?> l = Listed.of(kind, ctx);
            l.register(ctx);
            for (DesiredResource want : desired) {
                if (want.kind().name().equals(kind.kind().name()) && ctx.index().known(want.logicalId()).isEmpty()) l.findUntagged(want, ctx);
            }
            listed.add(l);
        }
        List<ObservedResource> out = new ArrayList<>();
        Map<String, ObservedResource> earlier = new LinkedHashMap<>();
        listed.forEach(l -> l.observed(ctx, earlier, out));
        return out;
    }

    /**
     * Ready when every desired resource exists and matches (nothing left pending by apply: an
     * intentional override is not an update still to apply) and every live resource's kind says it
     * is usable. The state machine loops Apply → Readiness → Wait → Apply: apply is idempotent, so
     * looping back through it makes the changes it left pending (a node group waiting for its cluster).
     */
    public Readiness readiness(LayerContext ctx, List<DesiredResource> desired) {
        List<ObservedResource> live = observe(ctx, desired);
        Plan plan = Overrides.apply(Differ.diff(ctx.environment(), layer, desired, live), ctx.overrides());
        List<String> waiting = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c.action() == Action.CREATE) waiting.add(c.logicalId() + ": not created yet (apply again)");
            else if (c.action() == Action.UPDATE) waiting.add(c.logicalId() + ": update not applied yet (apply again)");
        }
        for (ObservedResource o : live) {
            ManagedKind<?> kind = byName.get(o.kind());
            if (kind != null) waiting.addAll(kind.readiness(o).waitingFor());
        }
        return Readiness.waiting(waiting);
    }

    /** Applies one change with its kind; a resource found without its identity tags is tagged again first. */
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        ManagedKind<?> kind = byName.get(change.kind());
        if (kind == null) throw new IllegalArgumentException("layer " + layer + " has no resource kind '" + change.kind() + "'");
        List<Difference> differences = change.differences();
        if (observed != null && observed.identityLost()) {
            kind.restoreIdentity(observed.physicalId(), observed.logicalId(), ctx);
            differences = differences.stream().filter(d -> !d.equals(ObservedResource.IDENTITY_TAGS_REMOVED)).toList();
            // Tagged again and nothing else differs: there is nothing for the kind to update.
            if (change.action() == Action.UPDATE && differences.isEmpty()) return;
        }
        switch (change.action()) {
            case CREATE -> kind.create(desired, ctx);
            case UPDATE -> kind.update(desired, observed, differences, ctx);
            case DELETE -> kind.delete(change.physicalId(), observed, ctx);
            case REPLACE -> throw new IllegalArgumentException("a replace is applied as a delete and a create");
        }
    }

    /** The live instances of one kind with their ids, kept until every kind is listed. */
    private record Listed<T>(ManagedKind<T> kind, List<T> items, List<String> logicalIds, Set<String> untagged) {
        static <T> Listed<T> of(ManagedKind<T> kind, LayerContext ctx) {
            List<T> items = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            Set<String> untagged = new HashSet<>();
            for (T item : kind.list(ctx)) {
                String logicalId = kind.logicalId(item, ctx);
                if (logicalId == null) continue;
                items.add(item);
                ids.add(logicalId);
                if (kind.identityLost(item, ctx)) untagged.add(logicalId);
            }
            return new Listed<>(kind, items, ids, untagged);
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

        void observed(LayerContext ctx, Map<String, ObservedResource> earlier, List<ObservedResource> out) {
            List<ObservedResource> mine = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                T item = items.get(i);
                mine.add(new ObservedResource(logicalIds.get(i), kind.kind().name(), kind.physicalId(item),
                        kind.attributes(item, ctx, Collections.unmodifiableMap(earlier)), untagged.contains(logicalIds.get(i))));
            }
            mine.forEach(o -> earlier.put(o.logicalId(), o));
            out.addAll(mine);
        }
    }
}
