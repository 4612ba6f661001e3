package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.engine.DestructiveApproval;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.observability.EmbeddedMetrics;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.FencedOutException;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.state.LeaseFence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Input {@code {"environment":"dev","layer":"vpc","approveDestructive":false}}, optionally
 * {@code "logicalIds":[...]} to apply the changes of those resources only (a security response's
 * targeted repair). Applies a fresh plan of the layer; with destructive changes and no approval it
 * changes nothing and fails with ApprovalRequiredException. Intentional overrides are never reverted.
 *
 * <p>The lock: with {@code "leaseId"} and {@code "fencingToken"} (the provision run's lease) the handler
 * renews that lease (the heartbeat of a long readiness loop) and fences every change with it; without
 * them it takes the environment's lease itself for this one apply ({@code "holder"} names the caller,
 * e.g. the security response's execution) and gives it back after; a held lock fails with
 * LockHeldException naming the holder.
 *
 * <p>{@code "approvedDigest"}: the digest of the destructive changes a person approved
 * (PlanLayer's {@code destructiveDigest}); the apply proceeds only if the fresh plan's destructive set
 * has that digest (or is empty), else it fails with ApprovalStaleException and nothing is changed. The
 * provision run passes the digest of the plan it made even when nothing needed approval, so destructive
 * changes that appear between its plan and its apply are put up for approval too.
 */
public final class ApplyLayerHandler extends ControlPlaneHandler {
    public ApplyLayerHandler() {}

    public ApplyLayerHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Supplier<List<Layer>> layers() {
        return Layers::all;
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        EnvironmentSpec spec = environment(input, controlPlane);
        String layer = layer(input, controlPlane);
        String approvedDigest = input.string("approvedDigest", null);
        // approveDestructive (the run's own input) approves any destructive set; a digest only the one shown.
        DestructiveApproval approval = input.bool("approveDestructive", false) ? DestructiveApproval.ANY
                : approvedDigest != null ? DestructiveApproval.of(approvedDigest) : DestructiveApproval.NONE;
        List<String> targets = input.strings("logicalIds");
        String leaseId = input.string("leaseId", null);
        Long token = input.fields().get("fencingToken") == null ? null : input.number("fencingToken");
        if ((leaseId == null) != (token == null)) {
            throw new BadInputException("input fields 'leaseId' and 'fencingToken' go together (the run's lease); got "
                    + (leaseId == null ? "only fencingToken " + token : "only leaseId " + leaseId));
        }
        ApplyLock lock = controlPlane.lock(spec);
        java.util.function.Function<LeaseFence, Reconciler.ApplyResult> apply = fence -> countingCalls(controlPlane, spec, layer,
                () -> targeted(() -> controlPlane.reconciler(spec).fencedBy(fence)
                        .apply(layer, targets == null ? null : Set.copyOf(targets), approval)));
        Reconciler.ApplyResult result;
        if (leaseId != null) {
            Lease held = new Lease(spec.environment(), input.string("holder", "(the run holding lease " + leaseId + ")"), leaseId, token, null, null, null);
            Lease renewed = lock.renew(held, ControlPlane.leaseDuration(spec));
            if (renewed.generation() != token) throw new FencedOutException(held, "apply of layer " + layer, renewed);
            result = apply.apply(lock.fence(renewed));
        } else {
            result = lock.withLease(spec.environment(), input.string("holder", "apply of layer " + layer + " (direct invocation)"),
                    ControlPlane.leaseDuration(spec), apply);
        }
        EmbeddedMetrics.current().add(ControlPlaneMetric.CHANGES_APPLIED, spec.environment(), layer, result.applied().size());
        // Each change with what it changed, element by element: a security response's notification lists each repair.
        List<Map<String, Object>> applied = result.applied().stream()
                .map(c -> Map.<String, Object>of("logicalId", c.logicalId(), "kind", c.kind(), "action", c.action().name(),
                        "repaired", com.qualisys.controlplane.engine.DiffView.items(c, result.plan().references())))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("layer", layer);
        if (targets != null) out.put("logicalIds", targets);
        out.put("changes", applied.size());
        out.put("applied", applied);
        // Changes left for the next apply because AWS is still creating what they need (see Readiness).
        out.put("pending", result.pending().stream()
                .map(p -> Map.<String, Object>of("logicalId", p.change().logicalId(), "reason", p.reason())).toList());
        return out;
    }
}
