package com.qualisys.controlplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportJsonTest {
    private final Report drift = new Report("dev", "drift", Instant.parse("2026-11-28T20:00:00.123Z"), List.of(
            new Plan("dev", "vpc", List.of(
                    new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-1",
                            List.of(new Difference("ingress", List.of("tcp:5432:ref:vpc/security-group/k8s-nodes"),
                                    List.of("tcp:5432:0.0.0.0/0", "tcp:5432:ref:vpc/security-group/k8s-nodes")))),
                    new Change("vpc/subnet/private-a", "subnet", Action.REPLACE, true, "subnet-1",
                            List.of(new Difference("cidr", "10.0.12.0/24", "10.0.10.0/24")), List.of("cidr"), List.of()),
                    new Change("vpc/route-table/private-a", "route-table", Action.UPDATE, false, "rtb-1",
                            List.of(new Difference("subnets", List.of("ref:vpc/subnet/private-a"), List.of("subnet-1"))),
                            List.of(), List.of("vpc/subnet/private-a")),
                    new Change("vpc/nat-gateway/a", "nat-gateway", Action.CREATE, false, null,
                            List.of(new Difference("tags", Map.of("Name", "qualisys-nat-a"), null), new Difference("count", 2, null))))),
            new Plan("dev", "iam", List.of())), Map.of("Ec2.DescribeSecurityGroups", 1, "Ec2.DescribeSubnets", 1));

    @Test
    void aStoredReportReadsBackToTheSameTextMarkdownAndJson() {
        Report read = ReportJson.read(ReportRenderer.json(drift), "latest.json");

        assertThat(ReportRenderer.text(read)).isEqualTo(ReportRenderer.text(drift));
        assertThat(ReportRenderer.markdown(read)).isEqualTo(ReportRenderer.markdown(drift));
        assertThat(ReportRenderer.json(read)).isEqualTo(ReportRenderer.json(drift));
        assertThat(read.changeCount()).isEqualTo(4);
        assertThat(read.layers().getFirst().changes().get(2).forcedBy()).containsExactly("vpc/subnet/private-a");
    }

    @Test
    void aDocumentOfAnotherFormatVersionOrShapeIsRejectedNamingTheSource() {
        assertThatThrownBy(() -> ReportJson.read("{\"formatVersion\":2}", "s3://b/reports/dev/latest.json"))
                .hasMessage("s3://b/reports/dev/latest.json: formatVersion 2 is not supported (this build reads 1)");
        assertThatThrownBy(() -> ReportJson.read("not json", "s3://b/reports/dev/latest.json"))
                .hasMessageStartingWith("s3://b/reports/dev/latest.json is not JSON");
        assertThatThrownBy(() -> ReportJson.read(ReportRenderer.json(drift).replace("\"REPLACE\"", "\"MOVE\""), "latest.json"))
                .hasMessageStartingWith("latest.json: layer \"vpc\" is not in the report format: ").hasMessageContaining("MOVE");
    }
}
