package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a layer the way the handlers do: a fresh Reconciler (one run) per plan or apply. */
public record LayerHarness(EnvironmentSpec spec, AwsClients aws, Layer layer) {

    public Reconciler run() {
        return new Reconciler(spec, aws, List.of(layer));
    }

    public Reconciler.ApplyResult apply() {
        return run().apply(layer.name(), false);
    }

    public Reconciler.ApplyResult applyApproved() {
        return run().apply(layer.name(), true);
    }

    public Plan drift() {
        return run().plan(layer.name());
    }

    /** Mutating calls one apply makes, by operation. */
    public Map<String, Integer> mutatingCallsOfApply() {
        aws.calls().reset();
        apply();
        return aws.calls().mutatingByOperation();
    }

    /**
     * Each of logicalIds is drift "identity tags removed" and nothing else: an in-place, non-destructive
     * update (apply re-tags it, never creates it again).
     */
    public static void assertOnlyIdentityTagsRemoved(Plan plan, List<String> logicalIds) {
        for (String id : logicalIds) {
            assertThat(change(plan, id)).as(id).hasValueSatisfying(c -> {
                assertThat(c.action()).isEqualTo(Action.UPDATE);
                assertThat(c.destructive()).isFalse();
                assertThat(c.differences()).containsExactly(ObservedResource.IDENTITY_TAGS_REMOVED);
            });
        }
    }

    public static Optional<Change> change(Plan plan, String logicalId) {
        return plan.changes().stream().filter(c -> c.logicalId().equals(logicalId)).findFirst();
    }

    public static Optional<Difference> difference(Plan plan, String logicalId, String path) {
        return change(plan, logicalId).flatMap(c -> c.differences().stream().filter(d -> d.path().equals(path)).findFirst());
    }

    /** The drift report in all three renderings, as users and machines read it. */
    public static String rendered(Plan plan) {
        Report report = new Report(plan.environment(), "drift", Instant.now(), List.of(plan), Map.of());
        return ReportRenderer.text(report) + ReportRenderer.markdown(report) + ReportRenderer.json(report);
    }
}
