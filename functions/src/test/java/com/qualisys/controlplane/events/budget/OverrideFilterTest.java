package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A capped node group is an intentional override in drift reports, not drift to revert. */
class OverrideFilterTest {
    static final String POOL = "eks/node-group/playwright-pool";
    /** Within the cap's budget period (May 2024). */
    static final Instant IN_PERIOD = Instant.parse("2024-05-30T12:00:00Z");

    static OverrideRecord cap(OverrideRecord.Status status) {
        return new OverrideRecord("qualisys-monthly-500-2024-05-01-cap-playwright-pool", "dev", status, "cap-playwright-pool", POOL,
                Map.of("cluster", "qualisys-eks", "nodegroup", "qualisys-playwright-pool"),
                List.of(new OverrideRecord.AttributeChange("scaling.maxSize", 20, 5),
                        new OverrideRecord.AttributeChange("desiredSize", 7, 5)),
                "budget qualisys-monthly-500 reached $500.00", Instant.parse("2024-05-29T07:00:00Z"),
                Instant.parse("2024-06-01T00:00:00Z"), null, null);
    }

    static Plan drift(Object liveMax) {
        return new Plan("dev", "eks", List.of(
                new Change(POOL, "node-group", Action.UPDATE, false, "qualisys-playwright-pool", List.of(
                        new Difference("scaling.maxSize", 20, liveMax),
                        new Difference("labels.node-type", "playwright", "other"))),
                new Change("eks/node-group/general", "node-group", Action.UPDATE, false, "qualisys-general",
                        List.of(new Difference("scaling.maxSize", 10, 5)))));
    }

    @Test
    void theCappedMaxSizeIsReportedAsAnOverrideAndLeftOutOfThePlan() {
        OverrideFilter.OverrideAwarePlan result = OverrideFilter.apply(drift(5), List.of(cap(OverrideRecord.Status.ACTIVE)), IN_PERIOD);
        assertThat(result.overridden()).singleElement().satisfies(o -> {
            assertThat(o.logicalId()).isEqualTo(POOL);
            assertThat(o.difference().path()).isEqualTo("scaling.maxSize");
            assertThat(o.overrideId()).isEqualTo("qualisys-monthly-500-2024-05-01-cap-playwright-pool");
        });
        Change pool = result.plan().changes().getFirst();
        assertThat(pool.differences()).extracting(Difference::path).containsExactly("labels.node-type");
        assertThat(result.plan().changes().get(1).logicalId()).isEqualTo("eks/node-group/general"); // same path, other resource: drift
    }

    @Test
    void aLiveValueOtherThanTheOverridesIsDriftAfterAll() {
        OverrideFilter.OverrideAwarePlan result = OverrideFilter.apply(drift(3), List.of(cap(OverrideRecord.Status.ACTIVE)), IN_PERIOD);
        assertThat(result.overridden()).isEmpty();
        assertThat(result.plan()).isEqualTo(drift(3));
    }

    @Test
    void aRestoredOverrideExplainsNothing() {
        assertThat(OverrideFilter.apply(drift(5), List.of(cap(OverrideRecord.Status.RESTORED)), IN_PERIOD).overridden()).isEmpty();
        assertThat(OverrideFilter.isOverride(POOL, "scaling.maxSize", 5, List.of(cap(OverrideRecord.Status.ACTIVE)), IN_PERIOD)).isTrue();
        assertThat(OverrideFilter.isOverride(POOL, "scaling.maxSize", "5", List.of(cap(OverrideRecord.Status.ACTIVE)), IN_PERIOD)).isTrue();
    }

    @Test
    void aChangeWhoseOnlyDifferenceIsOverriddenDisappears() {
        Plan onlyCap = new Plan("dev", "eks", List.of(new Change(POOL, "node-group", Action.UPDATE, false, "p",
                List.of(new Difference("scaling.maxSize", 20, 5)))));
        assertThat(OverrideFilter.apply(onlyCap, List.of(cap(OverrideRecord.Status.ACTIVE)), IN_PERIOD).plan().isEmpty()).isTrue();
    }

    @Test
    void aCapWhoseBudgetPeriodEndedLongAgoNoLongerHidesDriftAndIsListedAsExpired_wasNoDriftOneIntentionalOverride() {
        OverrideFilter.OverrideAwarePlan result = OverrideFilter.apply(drift(5), List.of(cap(OverrideRecord.Status.ACTIVE)),
                Instant.parse("2026-01-15T00:00:00Z"));
        assertThat(result.overridden()).isEmpty();
        assertThat(result.plan().changes().getFirst().differences()).extracting(Difference::path).contains("scaling.maxSize");
        assertThat(result.plan().expired()).singleElement().satisfies(o -> {
            assertThat(o.overrideId()).isEqualTo("qualisys-monthly-500-2024-05-01-cap-playwright-pool");
            assertThat(o.difference().path()).isEqualTo("scaling.maxSize");
            assertThat(o.cause()).contains("expired 2024-06-01T00:00:00Z");
        });
        assertThat(OverrideFilter.apply(drift(5), List.of(cap(OverrideRecord.Status.ACTIVE)), Instant.parse("2024-06-01T00:00:00Z"))
                .overridden()).as("the period's end is exclusive").isEmpty();
    }
}
