package com.qualisys.controlplane.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.ChangeAuthor;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Matching CloudTrail events to drifted resources, without I/O. */
class AttributionTest {
    private static final String SELF = "arn:aws:sts::111122223333:assumed-role/qualisys-control-plane-report/session-1";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static Plan plan(Change... changes) {
        return new Plan("dev", "vpc", List.of(changes));
    }

    private static Change update(String logicalId, String physicalId) {
        return new Change(logicalId, "subnet", Action.UPDATE, false, physicalId, List.of(new Difference("x", 1, 2)));
    }

    private static TrailEvent event(String who, String name, int minute, String... ids) {
        return new TrailEvent(who, name, T0.plusSeconds(60L * minute), "10.0.0.1", false, Set.of(ids));
    }

    @Test
    void theNewestEventBySomeoneElseWinsOverTheControlPlanesLaterOwnCall() {
        Map<String, ChangeAuthor> authors = Attribution.authors(List.of(plan(update("vpc/subnet/a", "subnet-1"))), List.of(
                event("arn:aws:iam::111122223333:user/alice", "ModifySubnetAttribute", 1, "subnet-1"),
                event("arn:aws:iam::111122223333:user/bob", "CreateTags", 2, "subnet-1"),
                event("arn:aws:sts::111122223333:assumed-role/qualisys-control-plane-report/session-9", "CreateTags", 3, "subnet-1"),
                event("arn:aws:iam::111122223333:user/carol", "DeleteTags", 4, "subnet-2")), SELF);
        assertThat(authors.get("vpc/subnet/a")).isEqualTo(new ChangeAuthor("arn:aws:iam::111122223333:user/bob", "CreateTags",
                T0.plusSeconds(120), "10.0.0.1", false));
    }

    @Test
    void aResourceOnlyTheControlPlaneTouchedIsLabelledAsItsOwnAcrossSessions() {
        Map<String, ChangeAuthor> authors = Attribution.authors(List.of(plan(update("vpc/subnet/a", "subnet-1"))), List.of(
                event("arn:aws:sts::111122223333:assumed-role/qualisys-control-plane-report/other-session", "CreateTags", 1, "subnet-1")), SELF);
        assertThat(authors.get("vpc/subnet/a").byControlPlane()).isTrue();
    }

    @Test
    void aResourceDeletedOutOfBandIsMatchedToTheDeleteCallNamingIt() {
        Change deleted = new Change("iam/role/QualisysCICD", "iam-role", Action.CREATE, false, null, List.of());
        Map<String, ChangeAuthor> authors = Attribution.authors(List.of(plan(deleted)), List.of(
                event("arn:aws:iam::111122223333:user/alice", "DetachRolePolicy", 1, "QualisysCICD"),
                event("arn:aws:iam::111122223333:user/alice", "DeleteRole", 2, "QualisysCICD"),
                event("arn:aws:iam::111122223333:user/bob", "DeleteRole", 3, "QualisysDeveloper")), SELF);
        assertThat(authors.get("iam/role/QualisysCICD")).isEqualTo(new ChangeAuthor("arn:aws:iam::111122223333:user/alice", "DeleteRole",
                T0.plusSeconds(120), "10.0.0.1", false));
    }

    @Test
    void failedCallsMissingResourcesAndUntouchedOnesStayUnattributed() {
        Change missing = new Change("vpc/nat-gateway/a", "nat-gateway", Action.CREATE, false, null, List.of());
        Map<String, ChangeAuthor> authors = Attribution.authors(List.of(plan(update("vpc/subnet/a", "subnet-1"), missing,
                update("vpc/subnet/b", "subnet-2"))), List.of(
                new TrailEvent("arn:aws:iam::111122223333:user/alice", "ModifySubnetAttribute", T0, "10.0.0.1", true, Set.of("subnet-1"))), SELF);
        assertThat(authors).isEmpty();
    }
}
