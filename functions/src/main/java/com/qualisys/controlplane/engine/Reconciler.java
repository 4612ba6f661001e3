package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.observability.ChangeLog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the reconcile contract for the layers of one environment: plan (= drift), apply,
 * readiness. One Reconciler is one run: the resource index it builds is reused across layers.
 * Plans and applies cover a whole layer or, targeted, some of its resources (a security event's
 * drift check of the one resource it touched). Intentional overrides (an optional source, read
 * once per run) are reported in the plan and never reverted.
 */
public final class Reconciler {
    private final EnvironmentSpec spec;
    private final AwsClients aws;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final ResourceIndex index;
    private final Map<String, List<ObservedResource>> observed = new HashMap<>();
    /** Resources the plans of this run replace and apply has not replaced yet: logical id → old physical id. */
    private final Map<String, String> replacing = new LinkedHashMap<>();
    private Function<String, ? extends Collection<AttributeOverride>> overrideSource = environment -> List.of();
    private List<AttributeOverride> overrides;
    private WriteFence fence = WriteFence.UNCHECKED;

    public Reconciler(EnvironmentSpec spec, AwsClients aws, List<Layer> layers) {
        this.spec = spec;
        this.aws = aws;
        layers.forEach(l -> this.layers.put(l.name(), l));
        this.index = new ResourceIndex(this::observeQuietly);
    }

    public List<String> layerNames() {
        return List.copyOf(layers.keySet());
    }

    public Layer layer(String name) {
        Layer layer = layers.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("unknown layer '" + name + "'; layers: " + String.join(", ", layers.keySet()));
        }
        return layer;
    }

    /**
     * Where this run reads the environment's active overrides (environment name → overrides); by
     * default there are none.
     */
    public Reconciler withOverrides(Function<String, ? extends Collection<AttributeOverride>> source) {
        this.overrideSource = source;
        this.overrides = null;
        return this;
    }

    /**
     * What apply checks before every change: the environment's lease (state.LeaseFence), or
     * {@link WriteFence#READ_ONLY} for a reconciler that must not write. The control plane's own
     * reconcilers are built read-only and get a lease's fence only from a writer that holds the lock.
     */
    public Reconciler fencedBy(WriteFence fence) {
        this.fence = java.util.Objects.requireNonNull(fence, "fence");
        return this;
    }

    public LayerContext context() {
        return new LayerContext(spec, aws, index, overrides());
    }

    /** The resource index of this run (filled by observe): physical ↔ logical ids. */
    public ResourceIndex index() {
        return index;
    }

    /** The plan that would bring a layer to the spec; against live state this is its drift. */
    public Plan plan(String layerName) {
        return plan(layerName, null);
    }

    /**
     * The plan of some resources of a layer only (all of them when logicalIds is null): the layer is
     * observed as usual, and the plan keeps the changes and overrides of those logical ids. An id that
     * is not the layer's, or that is neither in the spec nor live, is an error.
     */
    public Plan plan(String layerName, Set<String> logicalIds) {
        Layer layer = layer(layerName);
        List<ObservedResource> live = observe(layer);
        List<DesiredResource> desired = layer.desired(spec);
        // A replacement carries its dependents, in this layer and in the layers planned after it in this run.
        replacing.keySet().removeIf(id -> ResourceIndex.layerOf(id).equals(layerName));
        Replacements.Expanded expanded = Replacements.plan(spec.environment(), layerName, desired, live, Map.copyOf(replacing),
                layer::referenceForms);
        observed.put(layerName, expanded.observed());
        replacing.putAll(expanded.replaced());
        Plan plan = Overrides.apply(expanded.plan(), overrides());
        if (logicalIds != null) {
            checkTargets(layerName, logicalIds, desired, live);
            Set<String> kept = withForcedDependents(plan.changes(), logicalIds);
            plan = new Plan(plan.environment(), layerName,
                    plan.changes().stream().filter(c -> kept.contains(c.logicalId())).toList(),
                    plan.overridden().stream().filter(o -> logicalIds.contains(o.logicalId())).toList(),
                    plan.expired().stream().filter(o -> logicalIds.contains(o.logicalId())).toList());
        }
        return plan.withReferences(references(plan));
    }

    /** The targets and every change their replacement forces, transitively. */
    private static Set<String> withForcedDependents(List<Change> changes, Set<String> targets) {
        Set<String> kept = new HashSet<>(targets);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Change c : changes) {
                if (!kept.contains(c.logicalId()) && c.forcedBy().stream().anyMatch(kept::contains)) grew = kept.add(c.logicalId()) || grew;
            }
        }
        return kept;
    }

    /**
     * The live physical id of every resource the plan's differences refer to, as far as this run knows it
     * (no extra calls); resources the plan creates or replaces are left out: their ids are known after apply.
     */
    private Map<String, String> references(Plan plan) {
        Set<String> ids = new java.util.TreeSet<>();
        plan.changes().forEach(c -> c.differences().forEach(d -> {
            DesiredResource.collectRefs(d.expected(), ids);
            DesiredResource.collectRefs(d.actual(), ids);
        }));
        plan.overridden().forEach(o -> DesiredResource.collectRefs(o.difference().actual(), ids));
        plan.expired().forEach(o -> DesiredResource.collectRefs(o.difference().actual(), ids));
        Set<String> notYet = new HashSet<>(replacing.keySet());
        plan.changes().stream().filter(c -> c.action() == Action.CREATE || c.action() == Action.REPLACE)
                .forEach(c -> notYet.add(c.logicalId()));
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : ids) {
            if (!notYet.contains(id)) index.known(id).ifPresent(physical -> out.put(id, physical));
        }
        return out;
    }

    /** Observes one layer (read-only) and registers its physical ids in the index. */
    public List<ObservedResource> observe(String layerName) {
        return observe(layer(layerName));
    }

    /**
     * Applies a layer: preflight, a fresh plan, then each change in dependency order. Destructive
     * changes run only when approved is true; otherwise nothing is changed at all.
     */
    public ApplyResult apply(String layerName, boolean approveDestructive) {
        return apply(layerName, null, approveDestructive);
    }

    /** Applies the changes of some resources of a layer only ({@link #plan(String, Set)}); null means all. */
    public ApplyResult apply(String layerName, Set<String> logicalIds, boolean approveDestructive) {
        return apply(layerName, logicalIds, DestructiveApproval.of(approveDestructive));
    }

    /**
     * Applies with an approval of destructive changes: the fresh plan's destructive set must be covered
     * by it ({@link DestructiveApproval#covers}), otherwise nothing is changed and the apply fails with
     * {@link ApprovalRequiredException} (no approval) or {@link ApprovalStaleException} (another set).
     */
    public ApplyResult apply(String layerName, Set<String> logicalIds, DestructiveApproval approval) {
        Layer layer = layer(layerName);
        LayerContext ctx = context();
        layer.preflight(ctx);
        Plan plan = plan(layerName, logicalIds);
        List<Change> destructive = plan.changes().stream().filter(Change::destructive).toList();
        if (!approval.covers(destructive)) {
            throw approval.digest() == null ? new ApprovalRequiredException(layerName, destructive)
                    : new ApprovalStaleException(layerName, approval.digest(), destructive);
        }

        Map<String, DesiredResource> desired = new LinkedHashMap<>();
        // Overridden attributes are pinned to their live value: repairing anything else never reverts them.
        layer.desired(spec).forEach(d -> desired.put(d.logicalId(), Overrides.pinned(d, plan.overridden())));
        Map<String, ObservedResource> live = new HashMap<>();
        observed.getOrDefault(layerName, List.of()).forEach(o -> live.putIfAbsent(o.logicalId(), o));

        List<Change> applied = new ArrayList<>();
        List<PendingChange> pending = new ArrayList<>();
        Set<String> waiting = new HashSet<>();
        List<Change> order = ordered(plan.changes(), desired);
        // A replaced resource goes before anything is created, and its replaced dependents go before it
        // (a NAT gateway before its subnet): then each is created again in dependency order.
        Map<String, ObservedResource> letGo = letGoOfReplaced(layer, layerName, order, desired, live, ctx);
        List<Change> replaces = new ArrayList<>(order.stream().filter(c -> c.action() == Action.REPLACE).toList());
        java.util.Collections.reverse(replaces);
        for (Change change : replaces) {
            fence.beforeWrite(layerName, change);
            try {
                layer.apply(new Change(change.logicalId(), change.kind(), Action.DELETE, true, change.physicalId(),
                        change.differences()), null, findLive(change, layerName, live), ctx);
                index.remove(change.logicalId());
            } catch (ChangePendingException notYet) {
                pending.add(new PendingChange(change, notYet.getMessage()));
                waiting.add(change.logicalId());
            }
        }
        for (Change change : order) {
            if (waiting.contains(change.logicalId())) continue;
            DesiredResource want = desired.get(change.logicalId());
            String blocker = blocker(change, want, waiting);
            if (blocker != null) {
                pending.add(new PendingChange(change, "waits for " + blocker));
                waiting.add(change.logicalId());
                continue;
            }
            ObservedResource current = change.action() == Action.CREATE ? null
                    : letGo.getOrDefault(change.logicalId(), findLive(change, layerName, live));
            fence.beforeWrite(layerName, change);
            int callsBefore = aws.calls().total();
            int mutatingBefore = aws.calls().mutating();
            try {
                if (change.action() == Action.REPLACE) {
                    layer.apply(new Change(change.logicalId(), change.kind(), Action.CREATE, true, null,
                            change.differences()), want, null, ctx);
                    replacing.remove(change.logicalId());
                } else {
                    layer.apply(change, change.action() == Action.DELETE ? null : want, current, ctx);
                    if (change.action() == Action.DELETE && (want == null)) index.remove(change.logicalId());
                }
                applied.add(change);
                ChangeLog.applied(spec.environment(), layerName, change.logicalId(), change.kind(), change.action().name(),
                        aws.calls().total() - callsBefore, aws.calls().mutating() - mutatingBefore);
            } catch (ChangePendingException notYet) {
                // AWS is still creating something this change needs: leave it (and its dependents) to the next apply.
                pending.add(new PendingChange(change, notYet.getMessage()));
                waiting.add(change.logicalId());
            }
        }
        observed.remove(layerName);
        return new ApplyResult(plan, applied, pending);
    }

    /**
     * Before anything replaced is deleted, each dependent forced to UPDATE drops what names the replaced
     * resources' old ids ({@link Replacements#lettingGo}); returns the live state each is left in.
     */
    private Map<String, ObservedResource> letGoOfReplaced(Layer layer, String layerName, List<Change> order,
                                                         Map<String, DesiredResource> desired, Map<String, ObservedResource> live,
                                                         LayerContext ctx) {
        Map<String, ObservedResource> out = new HashMap<>();
        for (Change change : order) {
            DesiredResource want = desired.get(change.logicalId());
            if (change.action() != Action.UPDATE || change.forcedBy().isEmpty() || want == null) continue;
            List<String> oldIds = change.forcedBy().stream().map(replacing::get).filter(java.util.Objects::nonNull).toList();
            ObservedResource current = findLive(change, layerName, live);
            ObservedResource without = Replacements.lettingGo(current, oldIds);
            if (without == null) continue;
            Map<String, Object> interim = new LinkedHashMap<>();
            want.attributes().keySet().forEach(k -> interim.put(k, without.attributes().get(k)));
            fence.beforeWrite(layerName, change);
            layer.apply(change, new DesiredResource(want.logicalId(), want.kind(), interim), current, ctx);
            out.put(change.logicalId(), without);
        }
        return out;
    }

    /** What a change waits for: a dependency still pending, or (for a forced change) a replacement still pending. */
    private static String blocker(Change change, DesiredResource want, Set<String> waiting) {
        if (want != null) {
            for (String dep : want.dependsOn()) if (waiting.contains(dep)) return dep;
        }
        for (String by : change.forcedBy()) if (waiting.contains(by)) return by;
        return null;
    }

    public Readiness readiness(String layerName) {
        return layer(layerName).readiness(context());
    }

    private List<AttributeOverride> overrides() {
        if (overrides == null) overrides = List.copyOf(overrideSource.apply(spec.environment()));
        return overrides;
    }

    private static void checkTargets(String layerName, Set<String> logicalIds, List<DesiredResource> desired,
                                     List<ObservedResource> live) {
        for (String id : logicalIds) {
            if (!ResourceIndex.layerOf(id).equals(layerName)) {
                throw new UnknownResourceException("resource " + id + " is not in layer " + layerName);
            }
            boolean known = desired.stream().anyMatch(d -> d.logicalId().equals(id)) || live.stream().anyMatch(o -> o.logicalId().equals(id));
            if (!known) {
                throw new UnknownResourceException("layer " + layerName + " has no resource " + id
                        + ": it is neither in the spec nor found live");
            }
        }
    }

    private ObservedResource findLive(Change change, String layerName, Map<String, ObservedResource> live) {
        for (ObservedResource o : observed.getOrDefault(layerName, List.of())) {
            if (o.logicalId().equals(change.logicalId()) && o.physicalId() != null && o.physicalId().equals(change.physicalId())) {
                return o;
            }
        }
        return live.get(change.logicalId());
    }

    private List<ObservedResource> observe(Layer layer) {
        List<ObservedResource> live = layer.observe(new LayerContext(spec, aws, index));
        index.markObserved(layer.name());
        live.forEach(o -> index.put(o.logicalId(), o.physicalId()));
        observed.put(layer.name(), live);
        return live;
    }

    private void observeQuietly(String layerName) {
        Layer layer = layers.get(layerName);
        if (layer != null) observe(layer);
    }

    /** Creates and updates in dependency order (dependencies first), then deletes in reverse. */
    static List<Change> ordered(List<Change> changes, Map<String, DesiredResource> desired) {
        List<Change> forward = new ArrayList<>();
        List<Change> deletes = new ArrayList<>();
        for (Change c : changes) (c.action() == Action.DELETE ? deletes : forward).add(c);
        Map<String, Change> byId = new LinkedHashMap<>();
        forward.forEach(c -> byId.put(c.logicalId(), c));
        List<Change> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (Change c : forward) visit(c.logicalId(), byId, desired, done, visiting, out);
        List<Change> reversedDeletes = new ArrayList<>(deletes);
        java.util.Collections.reverse(reversedDeletes);
        out.addAll(reversedDeletes);
        return out;
    }

    private static void visit(String id, Map<String, Change> byId, Map<String, DesiredResource> desired,
                              Set<String> done, Set<String> visiting, List<Change> out) {
        if (done.contains(id) || !byId.containsKey(id)) return;
        if (!visiting.add(id)) throw new IllegalStateException("dependency cycle at " + id);
        DesiredResource d = desired.get(id);
        if (d != null) for (String dep : d.dependsOn()) visit(dep, byId, desired, done, visiting, out);
        visiting.remove(id);
        done.add(id);
        out.add(byId.get(id));
    }

    /**
     * What apply found and did. pending lists the changes left for a later apply because AWS is
     * still creating what they need; a run is complete when none are pending.
     */
    public record ApplyResult(Plan plan, List<Change> applied, List<PendingChange> pending) {
        public ApplyResult {
            applied = List.copyOf(applied);
            pending = List.copyOf(pending);
        }

        public ApplyResult(Plan plan, List<Change> applied) {
            this(plan, applied, List.of());
        }

        public boolean isComplete() {
            return pending.isEmpty();
        }
    }
}
