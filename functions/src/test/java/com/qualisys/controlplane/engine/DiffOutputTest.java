package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 19's diff output: old -> new, set elements with +/-, creates' attributes, resolved references, access widening. */
class DiffOutputTest {
    private static final Instant AT = Instant.parse("2026-12-01T06:00:00Z");

    private static Report report(String kind, Change... changes) {
        return new Report("dev", kind, AT, List.of(new Plan("dev", "vpc", List.of(changes))), Map.of());
    }

    @Test
    void driftOfRdsSgOpenedOn5432ShowsTheRuleElementByElementResolvedAndCountsItAsWidenedAccess_wasExpectedActualWholeLists() {
        Change opened = new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-0a1", List.of(
                new Difference("ingress", List.of("tcp:5432:ref:vpc/security-group/k8s-nodes"),
                        List.of("tcp:5432:0.0.0.0/0", "tcp:5432:ref:vpc/security-group/k8s-nodes"))));
        String text = ReportRenderer.text(report("drift", opened));

        assertThat(text).contains("    ~ vpc/security-group/rds (security-group)  [access widened]\n"
                + "        ~ ingress:\n"
                + "            - tcp:5432:0.0.0.0/0\n");
        assertThat(text).doesNotContain("ref:", "+ tcp:5432:vpc/security-group/k8s-nodes", "expected [");
        assertThat(text).contains("1 drift(s) widened access (security-relevant).");
        assertThat(ReportRenderer.toJson(report("drift", opened)).get("widensAccess").asInt()).isEqualTo(1);
        assertThat(ReportRenderer.markdown(report("drift", opened))).contains("UPDATE ⚠ widens access");
    }

    @Test
    void referencesInADiffShowTheLiveIdTheyResolveTo_wasRefColonLogicalId() {
        Change opened = new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-0a1", List.of(
                new Difference("ingress", List.of("tcp:5432:ref:vpc/security-group/k8s-nodes"), List.of("tcp:5432:0.0.0.0/0"))));
        Change route = new Change("vpc/route-table/private-a", "route-table", Action.UPDATE, false, "rtb-1", List.of(
                new Difference("routes", List.of("0.0.0.0/0 -> ref:vpc/nat-gateway/a"), List.of()),
                new Difference("vpc", "ref:vpc/vpc/main", "vpc-0other")));
        Plan plan = new Plan("dev", "vpc", List.of(opened, route))
                .withReferences(Map.of("vpc/security-group/k8s-nodes", "sg-0k8s", "vpc/vpc/main", "vpc-0main"));
        Report report = new Report("dev", "drift", AT, List.of(plan), Map.of());

        String text = ReportRenderer.text(report);
        assertThat(text).contains("            + tcp:5432:sg-0k8s (vpc/security-group/k8s-nodes)\n",
                "            + 0.0.0.0/0 -> vpc/nat-gateway/a (known after apply)\n",
                "        ~ vpc: vpc-0other -> vpc-0main (vpc/vpc/main)\n").doesNotContain("ref:");
        assertThat(ReportRenderer.markdown(report)).contains("tcp:5432:sg-0k8s (vpc/security-group/k8s-nodes)").doesNotContain("ref:");
        Report back = ReportJson.read(ReportRenderer.json(report), "report.json");
        assertThat(back.layers().getFirst().references()).isEqualTo(plan.references());
        assertThat(ReportRenderer.text(back)).isEqualTo(text);
    }

    @Test
    void aScalarChangeReadsOldArrowNew() {
        Change maxSize = new Change("eks/node-group/general", "node-group", Action.UPDATE, false, "ng", List.of(
                new Difference("scaling.maxSize", 10, 5)));
        assertThat(ReportRenderer.text(report("plan", maxSize))).contains("        ~ scaling.maxSize: 5 -> 10\n")
                .doesNotContain("widen");
    }

    @Test
    void aCreateListsItsAttributesAndInADriftReportSaysTheResourceIsMissing_wasABarePlus() {
        Change create = new Change("vpc/subnet/public-b", "subnet", Action.CREATE, false, null, List.of(
                new Difference("cidr", "10.0.2.0/24", null), new Difference("vpc", "ref:vpc/vpc/main", null)));
        assertThat(ReportRenderer.text(report("plan", create)))
                .contains("    + vpc/subnet/public-b (subnet)\n        + cidr = 10.0.2.0/24\n        + vpc = vpc/vpc/main (known after apply)\n");
        assertThat(ReportRenderer.text(report("drift", create)))
                .contains("+ vpc/subnet/public-b (subnet): missing (deleted outside the control plane, or never created)");
    }

    @Test
    void aPlanThatOpensAnIngressToTheInternetOrMakesSomethingPublicIsHighlighted() {
        Change widening = new Change("vpc/security-group/alb", "security-group", Action.UPDATE, false, "sg-1", List.of(
                new Difference("ingress", List.of("tcp:443:0.0.0.0/0", "tcp:22:0.0.0.0/0"), List.of("tcp:443:0.0.0.0/0"))));
        Change narrowing = new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-2", List.of(
                new Difference("ingress", List.of(), List.of("tcp:5432:0.0.0.0/0"))));
        Change publicDb = new Change("rds/db-instance/qualisys-db", "db-instance", Action.UPDATE, false, "db", List.of(
                new Difference("publiclyAccessible", true, false)));
        Report plan = report("plan", widening, narrowing, publicDb);
        String text = ReportRenderer.text(plan);
        assertThat(text).contains("~ vpc/security-group/alb (security-group)  [widens access]", "            + tcp:22:0.0.0.0/0",
                "~ rds/db-instance/qualisys-db (db-instance)  [widens access]", "2 change(s) widen access.");
        assertThat(text).contains("~ vpc/security-group/rds (security-group)\n");
    }

    @Test
    void coloursOnlyWhenAsked() {
        Change create = new Change("vpc/subnet/public-b", "subnet", Action.CREATE, false, null, List.of(new Difference("cidr", "10.0.2.0/24", null)));
        assertThat(ReportRenderer.text(report("plan", create))).doesNotContain("\u001b[");
        assertThat(ReportRenderer.text(report("plan", create), TextStyle.ANSI)).contains("\u001b[32m+ vpc/subnet/public-b (subnet)\u001b[0m");
    }
}
