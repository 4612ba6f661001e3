package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Plan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Separates intentional overrides from drift (pure; the engine's drift check and reconciler call it).
 * A difference of an UPDATE is an override when an ACTIVE override record names the same logical id
 * and attribute path and the live value is still the value the override set: then it is reported as
 * an override and left out of the plan, so apply never reverts it. A live value that differs from the
 * override's value is drift like any other.
 */
public final class OverrideFilter {
    private OverrideFilter() {}

    /** A difference kept out of the plan because an override explains it. */
    public record OverriddenDifference(String logicalId, Difference difference, String overrideId, String cause) {}

    /** The plan without overridden differences, and those differences. */
    public record OverrideAwarePlan(Plan plan, List<OverriddenDifference> overridden) {
        public OverrideAwarePlan {
            overridden = List.copyOf(overridden);
        }
    }

    public static OverrideAwarePlan apply(Plan plan, Collection<OverrideRecord> overrides) {
        List<Change> kept = new ArrayList<>();
        List<OverriddenDifference> overridden = new ArrayList<>();
        for (Change change : plan.changes()) {
            if (change.action() != Action.UPDATE) {
                kept.add(change);
                continue;
            }
            List<Difference> remaining = new ArrayList<>();
            for (Difference d : change.differences()) {
                OverrideRecord by = explaining(change.logicalId(), d, overrides);
                if (by == null) remaining.add(d);
                else overridden.add(new OverriddenDifference(change.logicalId(), d, by.id(), by.cause()));
            }
            if (remaining.size() == change.differences().size()) kept.add(change);
            else if (!remaining.isEmpty()) {
                kept.add(new Change(change.logicalId(), change.kind(), change.action(), change.destructive(), change.physicalId(), remaining));
            }
        }
        return new OverrideAwarePlan(new Plan(plan.environment(), plan.layer(), kept), overridden);
    }

    /** Whether one (logical id, path, live value) is an intentional override. */
    public static boolean isOverride(String logicalId, String path, Object liveValue, Collection<OverrideRecord> overrides) {
        return explaining(logicalId, new Difference(path, null, liveValue), overrides) != null;
    }

    private static OverrideRecord explaining(String logicalId, Difference d, Collection<OverrideRecord> overrides) {
        for (OverrideRecord o : overrides) {
            if (!o.active() || !o.logicalId().equals(logicalId)) continue;
            for (OverrideRecord.AttributeChange c : o.changes()) {
                if (c.path().equals(d.path()) && Differ.sameValue(c.after(), d.actual())) return o;
            }
        }
        return null;
    }
}
