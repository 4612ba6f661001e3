package com.qualisys.controlplane.events.budget;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.AttributeOverride;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Overridden;
import com.qualisys.controlplane.engine.Overrides;
import com.qualisys.controlplane.engine.Plan;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Budget overrides as the engine sees them (pure). Each attribute an ACTIVE {@link OverrideRecord} changed
 * becomes an {@link AttributeOverride}: while the live value is still the override's value, drift reports it
 * as overridden and apply never reverts it ({@link Overrides}). A live value other than the override's is
 * drift like any other; RESTORED records explain nothing.
 */
public final class OverrideFilter {
    private OverrideFilter() {}

    /** The plan without overridden differences, and those differences. */
    public record OverrideAwarePlan(Plan plan, List<Overridden> overridden) {
        public OverrideAwarePlan {
            overridden = List.copyOf(overridden);
        }
    }

    /** The engine's overrides for the active records: one per changed attribute. */
    public static List<AttributeOverride> attributeOverrides(Collection<OverrideRecord> records) {
        return records.stream().filter(OverrideRecord::active)
                .flatMap(o -> o.changes().stream().map(c -> new AttributeOverride(o.id(), o.logicalId(), c.path(), c.after(), o.cause(), o.expiresAt())))
                .toList();
    }

    public static OverrideAwarePlan apply(Plan plan, Collection<OverrideRecord> overrides) {
        return apply(plan, overrides, Instant.now());
    }

    /** As of {@code now}: a record whose budget period has ended explains nothing (it is listed as expired). */
    public static OverrideAwarePlan apply(Plan plan, Collection<OverrideRecord> overrides, Instant now) {
        Plan filtered = Overrides.apply(plan, attributeOverrides(overrides), now);
        return new OverrideAwarePlan(filtered, filtered.overridden());
    }

    /** Whether one (logical id, path, live value) is an intentional override. */
    public static boolean isOverride(String logicalId, String path, Object liveValue, Collection<OverrideRecord> overrides, Instant now) {
        Plan one = new Plan("", "", List.of(new Change(logicalId, "", Action.UPDATE, false, null,
                List.of(new Difference(path, null, liveValue)))));
        return !Overrides.apply(one, attributeOverrides(overrides), now).overridden().isEmpty();
    }
}
