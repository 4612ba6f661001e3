package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Overrides;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Readiness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A layer is ready when every desired resource exists and matches (nothing left pending by
 * apply) and every long-running resource has reached its working status. A resource in a
 * failed status is an error, not a wait: the state machine's loop must stop and report it.
 *
 * The state machine loops Apply → Readiness → (not ready) Wait → Apply: apply is idempotent
 * and makes no mutating call when nothing is left to do, so looping back through it is how
 * the changes apply left pending (a node group waiting for its cluster) get made.
 */
public final class ReadinessCheck {
    /** Per resource kind: the statuses that mean ready, and those that mean it failed. */
    public record Statuses(Set<String> ready, Set<String> failed) {}

    private ReadinessCheck() {}

    public static Readiness of(Layer layer, LayerContext ctx, Map<String, Statuses> statusesByKind) {
        List<ObservedResource> live = layer.observe(ctx);
        // An intentional override (the capped Playwright pool) is not an update still to apply.
        Plan plan = Overrides.apply(Differ.diff(ctx.environment(), layer.name(), layer.desired(ctx.spec()), live), ctx.overrides());
        List<String> waiting = new ArrayList<>();
        for (Change c : plan.changes()) {
            if (c.action() == Action.CREATE) waiting.add(c.logicalId() + ": not created yet (apply again)");
            else if (c.action() == Action.UPDATE) waiting.add(c.logicalId() + ": update not applied yet (apply again)");
        }
        for (ObservedResource o : live) {
            Statuses statuses = statusesByKind.get(o.kind());
            Object status = o.attributes().get("status");
            if (statuses == null || status == null) continue;
            if (statuses.failed().contains(status.toString())) {
                throw new IllegalStateException(o.logicalId() + " (" + o.physicalId() + ") is " + status + ": it will not become ready");
            }
            if (!statuses.ready().contains(status.toString())) waiting.add(o.logicalId() + ": " + status);
        }
        return Readiness.waiting(waiting);
    }
}
