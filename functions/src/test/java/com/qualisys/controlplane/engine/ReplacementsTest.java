package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure part of "a replacement carries its dependents", on kinds made up for the test (no layer's list). */
class ReplacementsTest {
    private static final ResourceKind NETWORK = ResourceKind.of("network", true, "cidr");
    private static final ResourceKind GATEWAY = ResourceKind.of("gateway", false, "network");
    private static final ResourceKind TABLE = ResourceKind.of("table", false);

    // Listed dependents first: the plan still puts each after what forces it.
    private static final List<DesiredResource> DESIRED = List.of(
            new DesiredResource("x/table/main", TABLE, Map.of("routes", List.of("0.0.0.0/0 -> ref:x/gateway/gw"),
                    "members", List.of("ref:x/network/net", "ref:x/network/net-2"))),
            new DesiredResource("x/gateway/gw", GATEWAY, Map.of("network", "ref:x/network/net")),
            new DesiredResource("x/network/net", NETWORK, Map.of("cidr", "10.0.3.0/24")),
            new DesiredResource("x/network/net-2", NETWORK, Map.of("cidr", "10.0.4.0/24")));

    private static final List<ObservedResource> LIVE = List.of(
            new ObservedResource("x/table/main", "table", "t-1", Map.of("routes", List.of("0.0.0.0/0 -> ref:x/gateway/gw"),
                    "members", List.of("ref:x/network/net", "ref:x/network/net-2"))),
            new ObservedResource("x/gateway/gw", "gateway", "g-1", Map.of("network", "ref:x/network/net")),
            new ObservedResource("x/network/net", "network", "n-1", Map.of("cidr", "10.0.2.0/24")),
            new ObservedResource("x/network/net-2", "network", "n-2", Map.of("cidr", "10.0.4.0/24")));

    @Test
    void aReplacedResourceForcesEveryResourceThatNamesItTransitivelyInDependencyOrder() {
        Replacements.Expanded expanded = Replacements.plan("dev", "x", DESIRED, LIVE, Map.of());

        assertThat(expanded.plan().changes()).extracting(Change::logicalId, Change::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("x/network/net", Action.REPLACE),
                org.assertj.core.groups.Tuple.tuple("x/gateway/gw", Action.REPLACE),
                org.assertj.core.groups.Tuple.tuple("x/table/main", Action.UPDATE));
        Change net = expanded.plan().changes().get(0);
        Change gateway = expanded.plan().changes().get(1);
        Change table = expanded.plan().changes().get(2);
        assertThat(net.forcesReplacement()).containsExactly("cidr");
        assertThat(gateway.forcesReplacement()).containsExactly("network");
        assertThat(gateway.forcedBy()).containsExactly("x/network/net");
        assertThat(table.forcedBy()).containsExactlyInAnyOrder("x/network/net", "x/gateway/gw");
        // net-2 shares a prefix with net: its reference is left alone.
        assertThat(table.differences()).contains(
                new Difference("members", List.of("ref:x/network/net", "ref:x/network/net-2"), List.of("n-1", "ref:x/network/net-2")),
                new Difference("routes", List.of("0.0.0.0/0 -> ref:x/gateway/gw"), List.of("0.0.0.0/0 -> g-1")));
        assertThat(expanded.replaced()).containsOnly(Map.entry("x/network/net", "n-1"), Map.entry("x/gateway/gw", "g-1"));
    }

    @Test
    void withoutAReplacementThePlanIsTheDiffersAndNothingIsForced() {
        List<ObservedResource> same = List.of(LIVE.get(0), LIVE.get(1),
                new ObservedResource("x/network/net", "network", "n-1", Map.of("cidr", "10.0.3.0/24")), LIVE.get(3));
        Replacements.Expanded expanded = Replacements.plan("dev", "x", DESIRED, same, Map.of());
        assertThat(expanded.plan().changes()).isEmpty();
        assertThat(expanded.observed()).isSameAs(same);
    }

    @Test
    void aReplacementPlannedInAnotherLayerForcesThisLayersDependents() {
        List<DesiredResource> other = List.of(new DesiredResource("y/cluster/c", ResourceKind.of("cluster", true),
                Map.of("networks", List.of("ref:x/network/net"))));
        List<ObservedResource> live = List.of(new ObservedResource("y/cluster/c", "cluster", "c-1",
                Map.of("networks", List.of("ref:x/network/net"))));

        Plan plan = Replacements.plan("dev", "y", other, live, Map.of("x/network/net", "n-1")).plan();

        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.forcedBy()).containsExactly("x/network/net");
        });
    }

    @Test
    void lettingGoDropsOnlyTheElementsThatNameAnOldId() {
        ObservedResource table = new ObservedResource("x/table/main", "table", "t-1", Map.of(
                "routes", List.of("0.0.0.0/0 -> g-1", "10.0.0.0/16 -> local"), "members", List.of("n-1", "ref:x/network/net-2"),
                "tags", Map.of("Name", "main")));

        ObservedResource without = Replacements.lettingGo(table, List.of("g-1", "n-1"));

        assertThat(without.attributes()).containsEntry("routes", List.of("10.0.0.0/16 -> local"))
                .containsEntry("members", List.of("ref:x/network/net-2")).containsEntry("tags", Map.of("Name", "main"));
        assertThat(Replacements.lettingGo(table, List.of("n-9"))).as("names none of them").isNull();
    }
}
