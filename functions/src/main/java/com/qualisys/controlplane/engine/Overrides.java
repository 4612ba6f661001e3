package com.qualisys.controlplane.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Separates intentional overrides from drift (pure). A difference of an UPDATE is overridden when an
 * override names the same logical id and attribute path and the live value is still the override's
 * value; it moves from the plan's changes to {@link Plan#overridden()}, so apply never reverts it. A live
 * value other than the override's is drift like any other. CREATE, REPLACE and DELETE are never
 * overridden: an override changes an attribute, it does not make a resource appear or go.
 */
public final class Overrides {
    private Overrides() {}

    public static Plan apply(Plan plan, Collection<AttributeOverride> overrides) {
        return apply(plan, overrides, Instant.now());
    }

    /**
     * As {@link #apply(Plan, Collection)}, at a given time: an override expired by then explains
     * nothing; its difference stays a change and is also listed in {@link Plan#expired()}.
     */
    public static Plan apply(Plan plan, Collection<AttributeOverride> overrides, Instant now) {
        if (overrides.isEmpty()) return plan;
        List<Change> kept = new ArrayList<>();
        List<Overridden> overridden = new ArrayList<>(plan.overridden());
        List<Overridden> expired = new ArrayList<>(plan.expired());
        for (Change change : plan.changes()) {
            if (change.action() != Action.UPDATE) {
                kept.add(change);
                continue;
            }
            List<Difference> remaining = new ArrayList<>();
            for (Difference d : change.differences()) {
                AttributeOverride by = explaining(change.logicalId(), d, overrides);
                if (by == null) {
                    remaining.add(d);
                } else if (by.expired(now)) {
                    remaining.add(d);
                    expired.add(new Overridden(change.logicalId(), d, by.id(), by.cause() + "; expired " + by.expiresAt()));
                } else {
                    overridden.add(new Overridden(change.logicalId(), d, by.id(), by.cause()));
                }
            }
            if (remaining.size() == change.differences().size()) kept.add(change);
            else if (!remaining.isEmpty()) {
                kept.add(change.withDifferences(remaining));
            }
        }
        return new Plan(plan.environment(), plan.layer(), kept, overridden, expired, plan.references());
    }

    /**
     * The desired resource as apply must see it: every overridden attribute of this resource set to its
     * live (overridden) value, so that a layer repairing the resource's other differences writes the
     * override back rather than the spec's value.
     */
    public static DesiredResource pinned(DesiredResource desired, Collection<Overridden> overridden) {
        DesiredResource out = desired;
        for (Overridden o : overridden) {
            if (o.logicalId().equals(desired.logicalId())) out = out.withAttribute(o.difference().path(), o.difference().actual());
        }
        return out;
    }

    private static AttributeOverride explaining(String logicalId, Difference d, Collection<AttributeOverride> overrides) {
        for (AttributeOverride o : overrides) {
            if (o.logicalId().equals(logicalId) && o.path().equals(d.path()) && Differ.sameValue(o.value(), d.actual())) return o;
        }
        return null;
    }
}
