package com.qualisys.controlplane.engine;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the reconcile contract for the layers of one environment: plan (= drift), apply,
 * readiness. One Reconciler is one run: the resource index it builds is reused across layers.
 */
public final class Reconciler {
    private final EnvironmentSpec spec;
    private final AwsClients aws;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final ResourceIndex index;
    private final Map<String, List<ObservedResource>> observed = new HashMap<>();

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

    public LayerContext context() {
        return new LayerContext(spec, aws, index);
    }

    /** The plan that would bring a layer to the spec; against live state this is its drift. */
    public Plan plan(String layerName) {
        Layer layer = layer(layerName);
        List<ObservedResource> live = observe(layer);
        return Differ.diff(spec.environment(), layerName, layer.desired(spec), live);
    }

    /**
     * Applies a layer: preflight, a fresh plan, then each change in dependency order. Destructive
     * changes run only when approved is true; otherwise nothing is changed at all.
     */
    public ApplyResult apply(String layerName, boolean approveDestructive) {
        Layer layer = layer(layerName);
        LayerContext ctx = context();
        layer.preflight(ctx);
        Plan plan = plan(layerName);
        List<Change> destructive = plan.changes().stream().filter(Change::destructive).toList();
        if (!destructive.isEmpty() && !approveDestructive) throw new ApprovalRequiredException(layerName, destructive);

        Map<String, DesiredResource> desired = new LinkedHashMap<>();
        layer.desired(spec).forEach(d -> desired.put(d.logicalId(), d));
        Map<String, ObservedResource> live = new HashMap<>();
        observed.getOrDefault(layerName, List.of()).forEach(o -> live.putIfAbsent(o.logicalId(), o));

        List<Change> applied = new ArrayList<>();
        List<PendingChange> pending = new ArrayList<>();
        Set<String> waiting = new HashSet<>();
        for (Change change : ordered(plan.changes(), desired)) {
            DesiredResource want = desired.get(change.logicalId());
            String blocker = want == null ? null : want.dependsOn().stream().filter(waiting::contains).findFirst().orElse(null);
            if (blocker != null) {
                pending.add(new PendingChange(change, "waits for " + blocker));
                waiting.add(change.logicalId());
                continue;
            }
            ObservedResource current = change.action() == Action.CREATE ? null : findLive(change, layerName, live);
            try {
                if (change.action() == Action.REPLACE) {
                    layer.apply(new Change(change.logicalId(), change.kind(), Action.DELETE, true, change.physicalId(),
                            change.differences()), null, current, ctx);
                    index.remove(change.logicalId());
                    layer.apply(new Change(change.logicalId(), change.kind(), Action.CREATE, true, null,
                            change.differences()), want, null, ctx);
                } else {
                    layer.apply(change, change.action() == Action.DELETE ? null : want, current, ctx);
                    if (change.action() == Action.DELETE && (want == null)) index.remove(change.logicalId());
                }
                applied.add(change);
            } catch (ChangePendingException notYet) {
                // AWS is still creating something this change needs: leave it (and its dependents) to the next apply.
                pending.add(new PendingChange(change, notYet.getMessage()));
                waiting.add(change.logicalId());
            }
        }
        observed.remove(layerName);
        return new ApplyResult(plan, applied, pending);
    }

    public Readiness readiness(String layerName) {
        return layer(layerName).readiness(context());
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
        List<ObservedResource> live = layer.observe(context());
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
