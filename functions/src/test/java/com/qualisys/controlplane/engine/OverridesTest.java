package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Intentional overrides in plans (pure): which differences they explain, and what apply is given instead. */
class OverridesTest {
    private static final String POOL = "eks/node-group/playwright-pool";
    private static final AttributeOverride CAP = new AttributeOverride("qualisys-monthly-500-2024-05-01-cap-playwright-pool", POOL,
            "scaling.maxSize", 5, "budget qualisys-monthly-500 reached $500.00");

    private static Plan drift(Object liveMax, Action action) {
        return new Plan("dev", "eks", List.of(new Change(POOL, "node-group", action, false, "qualisys-playwright-pool", List.of(
                new Difference("scaling.maxSize", 20, liveMax), new Difference("labels.node-type", "playwright", "other")))));
    }

    @Test
    void theCappedMaxSizeMovesFromTheChangesToTheOverridesAndTheRestStaysDrift() {
        Plan plan = Overrides.apply(drift(5, Action.UPDATE), List.of(CAP));
        assertThat(plan.overridden()).containsExactly(new Overridden(POOL, new Difference("scaling.maxSize", 20, 5), CAP.id(), CAP.cause()));
        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.differences()).extracting(Difference::path)
                .containsExactly("labels.node-type"));
    }

    @Test
    void aLiveValueOtherThanTheOverridesIsDriftAndOnlyUpdatesCanBeOverridden() {
        assertThat(Overrides.apply(drift(3, Action.UPDATE), List.of(CAP))).isEqualTo(drift(3, Action.UPDATE));
        assertThat(Overrides.apply(drift("5", Action.UPDATE), List.of(CAP)).overridden()).as("5 and \"5\" are one value").hasSize(1);
        assertThat(Overrides.apply(drift(5, Action.REPLACE), List.of(CAP)).overridden()).isEmpty();
    }

    @Test
    void applyIsGivenTheDesiredStateWithTheOverriddenValuePinnedInsideItsMap() {
        DesiredResource pool = new DesiredResource(POOL, ResourceKind.of("node-group", false),
                Map.of("scaling", Map.of("minSize", 5, "maxSize", 20), "labels", Map.of("eks.amazonaws.com/nodegroup", "x")));
        DesiredResource pinned = Overrides.pinned(pool, Overrides.apply(drift(5, Action.UPDATE), List.of(CAP)).overridden());
        assertThat(pinned.attribute("scaling")).isEqualTo(Map.of("minSize", 5, "maxSize", 5));
        assertThat(pool.withAttribute("labels.eks.amazonaws.com/nodegroup", "y").attribute("labels"))
                .as("a key with dots is found whole").isEqualTo(Map.of("eks.amazonaws.com/nodegroup", "y"));
        assertThat(Overrides.pinned(pool, List.of())).isSameAs(pool);
    }
}
