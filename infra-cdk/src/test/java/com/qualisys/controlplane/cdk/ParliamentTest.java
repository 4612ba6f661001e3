package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * parliament (PyPI, requirements-lint.txt) on the IAM policy documents the IAM layer deploys
 * (environments/policies/): every finding is fixed, or accepted below with its reason.
 */
class ParliamentTest {
    /** Accepted findings: issue and file (and a piece of the detail), with why. */
    private record Accepted(String issue, String file, String detail, String reason) {
        boolean matches(JsonNode finding) {
            return finding.path("issue").asText().equals(issue) && finding.path("location").path("filepath").asText().endsWith(file)
                    && finding.path("detail").toString().contains(detail);
        }
    }

    private static final List<Accepted> ACCEPTED = List.of(
            new Accepted("UNKNOWN_CONDITION_FOR_ACTION", "alb-controller.json", "elasticloadbalancing:CreateAction",
                    "The AWS Load Balancer Controller's published policy: elasticloadbalancing:CreateAction is the documented"
                            + " condition key for tagging on create, newer than parliament's IAM data."),
            new Accepted("RESOURCE_STAR", "alb-controller.json", "",
                    "The AWS Load Balancer Controller's published policy, kept as published: it creates load balancers,"
                            + " target groups and security groups whose ARNs are not known in advance (tag conditions scope the writes)."),
            new Accepted("RESOURCE_STAR", "cluster-autoscaler.json", "",
                    "The Cluster Autoscaler's published policy: Auto Scaling groups are found at run time (the writes are"
                            + " scoped by the k8s.io/cluster-autoscaler tag condition)."),
            new Accepted("RESOURCE_STAR", "developer.json", "",
                    "The seed's developer access: describe and read calls across the account's EKS, ECR and log resources."),
            new Accepted("RESOURCE_STAR", "rds-service.json", "pi:",
                    "Performance Insights reads take the DB resource id, not known before the instance exists."));

    @Test
    void theSeedsPolicyDocumentsPassParliament() throws Exception {
        String out = StaticChecks.run(List.of(StaticChecks.tool("parliament").toString(), "--directory",
                TestStacks.REPO.resolve("environments/policies").toString(), "--json"), Map.of());
        ObjectMapper json = new ObjectMapper();
        List<String> unaccepted = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode finding = json.readTree(line);
            String text = finding.path("severity").asText() + " " + finding.path("issue").asText() + " "
                    + finding.path("location").path("filepath").asText() + ":" + finding.path("location").path("line").asText()
                    + " " + finding.path("detail");
            if (ACCEPTED.stream().anyMatch(a -> a.matches(finding))) accepted.add(text);
            else unaccepted.add(text);
        }
        System.out.println("parliament: " + accepted.size() + " accepted findings, " + unaccepted.size() + " others");
        assertThat(unaccepted).as("parliament findings neither fixed nor accepted with a reason").isEmpty();
    }
}
