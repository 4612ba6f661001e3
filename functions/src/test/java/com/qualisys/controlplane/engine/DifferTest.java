package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DifferTest {
    private static final ResourceKind SUBNET = ResourceKind.of("subnet", true, "cidr", "az");
    private static final ResourceKind ROUTE_TABLE = ResourceKind.of("route-table", false);

    private static DesiredResource subnet(String cidr, Map<String, Object> tags) {
        return new DesiredResource("vpc/subnet/private-a", SUBNET,
                Map.of("cidr", cidr, "az", "us-east-1a", "tags", tags, "vpc", "ref:vpc/vpc/main"));
    }

    @Test
    void aMissingResourceIsCreatedWithEveryDesiredAttributeListed() {
        Plan plan = Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", Map.of())), List.of());
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.CREATE);
            assertThat(c.destructive()).isFalse();
            assertThat(c.differences()).extracting(Difference::path).contains("cidr", "az", "vpc");
        });
    }

    @Test
    void identicalStateHasNoChangesAndExtraLiveAttributesOrTagsAreNotOwned() {
        ObservedResource live = new ObservedResource("vpc/subnet/private-a", "subnet", "subnet-1",
                Map.of("cidr", "10.0.10.0/24", "az", "us-east-1a", "vpc", "ref:vpc/vpc/main",
                        "tags", Map.of("owner", "someone else"), "mapPublicIp", false));
        assertThat(Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", Map.of())), List.of(live)).isEmpty()).isTrue();
    }

    @Test
    void aChangedOwnedMapKeyIsAnUpdateNamingThePath() {
        ObservedResource live = new ObservedResource("vpc/subnet/private-a", "subnet", "subnet-1",
                Map.of("cidr", "10.0.10.0/24", "az", "us-east-1a", "vpc", "ref:vpc/vpc/main",
                        "tags", Map.of("kubernetes.io/role/internal-elb", "0")));
        Plan plan = Differ.diff("dev", "vpc",
                List.of(subnet("10.0.10.0/24", Map.of("kubernetes.io/role/internal-elb", "1"))), List.of(live));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.differences()).containsExactly(new Difference("tags.kubernetes.io/role/internal-elb", "1", "0"));
        });
    }

    @Test
    void aResourceThatLostItsIdentityTagsShowsTheLossOnceAndItsOtherDifferencesAsUsual() {
        Map<String, Object> identity = Map.of("Name", "private-a", "qualisys:environment", "dev",
                "qualisys:logical-id", "vpc/subnet/private-a", "qualisys:managed-by", "qualisys-control-plane");
        ObservedResource bare = new ObservedResource("vpc/subnet/private-a", "subnet", "subnet-1",
                Map.of("cidr", "10.0.10.0/24", "az", "us-east-1a", "vpc", "ref:vpc/vpc/main", "tags", Map.of("Name", "renamed")), true);
        Plan plan = Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", identity)), List.of(bare));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.physicalId()).isEqualTo("subnet-1");
            assertThat(c.differences()).containsExactly(ObservedResource.IDENTITY_TAGS_REMOVED, new Difference("tags.Name", "private-a", "renamed"));
        });
        // Found by its tags, a wrong identity tag value is an ordinary difference.
        ObservedResource tagged = new ObservedResource("vpc/subnet/private-a", "subnet", "subnet-1",
                Map.of("cidr", "10.0.10.0/24", "az", "us-east-1a", "vpc", "ref:vpc/vpc/main", "tags", Map.of("Name", "private-a",
                        "qualisys:environment", "dev", "qualisys:logical-id", "vpc/subnet/private-a", "qualisys:managed-by", "someone")));
        assertThat(Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", identity)), List.of(tagged)).changes()).singleElement()
                .satisfies(c -> assertThat(c.differences()).containsExactly(
                        new Difference("tags.qualisys:managed-by", "qualisys-control-plane", "someone")));
    }

    @Test
    void anImmutableAttributeChangeIsADestructiveReplace() {
        ObservedResource live = new ObservedResource("vpc/subnet/private-a", "subnet", "subnet-1",
                Map.of("cidr", "10.0.99.0/24", "az", "us-east-1a", "vpc", "ref:vpc/vpc/main"));
        Plan plan = Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", Map.of())), List.of(live));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.destructive()).isTrue();
            assertThat(c.physicalId()).isEqualTo("subnet-1");
        });
        assertThat(plan.hasDestructiveChanges()).isTrue();
    }

    @Test
    void listsCompareExactlyAndNumbersByValue() {
        DesiredResource rt = new DesiredResource("vpc/route-table/public", ROUTE_TABLE,
                Map.of("routes", List.of("0.0.0.0/0->ref:vpc/internet-gateway/main"), "retention", 30));
        ObservedResource same = new ObservedResource("vpc/route-table/public", "route-table", "rtb-1",
                Map.of("routes", List.of("0.0.0.0/0->ref:vpc/internet-gateway/main"), "retention", 30L));
        ObservedResource extra = new ObservedResource("vpc/route-table/public", "route-table", "rtb-1",
                Map.of("routes", List.of("0.0.0.0/0->ref:vpc/internet-gateway/main", "10.9.0.0/16->pcx-1"), "retention", "30"));
        assertThat(Differ.diff("dev", "vpc", List.of(rt), List.of(same)).isEmpty()).isTrue();
        assertThat(Differ.diff("dev", "vpc", List.of(rt), List.of(extra)).changes()).singleElement()
                .satisfies(c -> assertThat(c.differences()).extracting(Difference::path).containsExactly("routes"));
    }

    @Test
    void unwantedResourcesAreDeletedAndOnlyStatefulDeletionsAreDestructive() {
        ObservedResource strayRouteTable = new ObservedResource("vpc/route-table/old", "route-table", "rtb-9", Map.of());
        ObservedResource straySubnet = new ObservedResource("vpc/subnet/old", "subnet", "subnet-9", Map.of());
        Plan plan = Differ.diff("dev", "vpc", List.of(subnet("10.0.10.0/24", Map.of()),
                new DesiredResource("vpc/route-table/public", ROUTE_TABLE, Map.of())), List.of(strayRouteTable, straySubnet));
        assertThat(plan.changes()).filteredOn(c -> c.action() == Action.DELETE)
                .extracting(Change::logicalId, Change::destructive)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("vpc/route-table/old", false),
                        org.assertj.core.groups.Tuple.tuple("vpc/subnet/old", true));
    }

    @Test
    void aSecondLiveResourceClaimingTheSameLogicalIdIsRemoved() {
        DesiredResource rt = new DesiredResource("vpc/route-table/public", ROUTE_TABLE, Map.of("routes", List.of()));
        ObservedResource first = new ObservedResource("vpc/route-table/public", "route-table", "rtb-1", Map.of("routes", List.of()));
        ObservedResource duplicate = new ObservedResource("vpc/route-table/public", "route-table", "rtb-2", Map.of("routes", List.of()));
        Plan plan = Differ.diff("dev", "vpc", List.of(rt), List.of(first, duplicate));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.DELETE);
            assertThat(c.physicalId()).isEqualTo("rtb-2");
        });
    }

    @Test
    void referencesOrderApplyDependenciesFirstAndDeletesLast() {
        DesiredResource vpc = new DesiredResource("vpc/vpc/main", SUBNET, Map.of());
        DesiredResource sub = subnet("10.0.10.0/24", Map.of());
        Map<String, DesiredResource> desired = Map.of(vpc.logicalId(), vpc, sub.logicalId(), sub);
        List<Change> changes = List.of(
                new Change("vpc/route-table/old", "route-table", Action.DELETE, false, "rtb-9", List.of()),
                new Change(sub.logicalId(), "subnet", Action.CREATE, false, null, List.of()),
                new Change(vpc.logicalId(), "vpc", Action.CREATE, false, null, List.of()));
        assertThat(Reconciler.ordered(changes, desired)).extracting(Change::logicalId)
                .containsExactly("vpc/vpc/main", "vpc/subnet/private-a", "vpc/route-table/old");
    }
}
