package com.qualisys.controlplane.cdk.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offline evaluation the inventory relies on, rule by rule. */
class PolicyEvaluatorTest {
    private static PolicyEvaluator.Statement allow(List<String> actions, List<String> resources,
                                                   Map<String, Map<String, List<String>>> conditions) {
        return new PolicyEvaluator.Statement("test", null, true, actions, List.of(), resources, List.of(), conditions);
    }

    private static PolicyEvaluator.Decision ask(List<PolicyEvaluator.Statement> s, String action, String resource,
                                                Map<String, List<String>> context) {
        return PolicyEvaluator.evaluate(s, new PolicyEvaluator.Request(action, resource, context));
    }

    @Test
    void actionWildcardsAreCaseInsensitiveAndResourcePatternsAreNot() {
        var s = List.of(allow(List.of("ec2:describe*"), List.of("arn:aws:ec2:*:*:vpc/*"), Map.of()));
        assertThat(ask(s, "ec2:DescribeVpcs", "arn:aws:ec2:us-east-1:1:vpc/vpc-1", Map.of()).allowed()).isTrue();
        assertThat(ask(s, "ec2:DescribeVpcs", "arn:aws:ec2:us-east-1:1:VPC/vpc-1", Map.of()).allowed()).isFalse();
        assertThat(ask(s, "ec2:CreateVpc", "arn:aws:ec2:us-east-1:1:vpc/vpc-1", Map.of()).outcome())
                .isEqualTo(PolicyEvaluator.Outcome.IMPLICITLY_DENIED);
    }

    @Test
    void anExplicitDenyWinsOverAnyAllow() {
        var deny = new PolicyEvaluator.Statement("deny", "Never", false, List.of("iam:*"), List.of(),
                List.of("arn:aws:iam::1:role/control-plane/*"), List.of(), Map.of());
        var s = List.of(allow(List.of("*"), List.of("*"), Map.of()), deny);
        var d = ask(s, "iam:PutRolePolicy", "arn:aws:iam::1:role/control-plane/x", Map.of());
        assertThat(d.outcome()).isEqualTo(PolicyEvaluator.Outcome.EXPLICITLY_DENIED);
        assertThat(ask(s, "iam:PutRolePolicy", "arn:aws:iam::1:role/other", Map.of()).allowed()).isTrue();
    }

    @Test
    void notActionAndNotResourceMatchEverythingElse() {
        var s = List.of(new PolicyEvaluator.Statement("t", null, true, List.of(), List.of("iam:*"), List.of(),
                List.of("arn:aws:s3:::secret*"), Map.of()));
        assertThat(ask(s, "s3:GetObject", "arn:aws:s3:::reports/x", Map.of()).allowed()).isTrue();
        assertThat(ask(s, "iam:GetRole", "arn:aws:s3:::reports/x", Map.of()).allowed()).isFalse();
        assertThat(ask(s, "s3:GetObject", "arn:aws:s3:::secret/x", Map.of()).allowed()).isFalse();
    }

    @Test
    void tagConditionsAreEvaluatedAgainstTheResourcesTags() {
        var s = List.of(allow(List.of("ec2:DeleteVpc"), List.of("*"),
                Map.of("StringEquals", Map.of("aws:ResourceTag/qualisys:managed-by", List.of("qualisys-control-plane")))));
        String vpc = "arn:aws:ec2:us-east-1:1:vpc/vpc-1";
        assertThat(ask(s, "ec2:DeleteVpc", vpc, Map.of("aws:ResourceTag/qualisys:managed-by", List.of("qualisys-control-plane")))
                .allowed()).isTrue();
        assertThat(ask(s, "ec2:DeleteVpc", vpc, Map.of("aws:ResourceTag/qualisys:managed-by", List.of("someone")))
                .allowed()).isFalse();
        assertThat(ask(s, "ec2:DeleteVpc", vpc, Map.of()).allowed()).as("an untagged VPC").isFalse();
    }

    @Test
    void operatorsIfExistsAndSetForms() {
        assertThat(PolicyEvaluator.holds("StringLike", List.of("overrides/dev/1.json"), List.of("overrides/*"))).isTrue();
        assertThat(PolicyEvaluator.holds("StringNotEquals", null, List.of("x"))).isTrue();
        assertThat(PolicyEvaluator.holds("StringEqualsIfExists", null, List.of("x"))).isTrue();
        assertThat(PolicyEvaluator.holds("StringEquals", null, List.of("x"))).isFalse();
        assertThat(PolicyEvaluator.holds("Null", null, List.of("true"))).isTrue();
        assertThat(PolicyEvaluator.holds("ForAllValues:StringEquals", List.of("a", "b"), List.of("a", "b", "c"))).isTrue();
        assertThat(PolicyEvaluator.holds("ForAllValues:StringEquals", List.of("a", "d"), List.of("a", "b"))).isFalse();
        assertThat(PolicyEvaluator.holds("ForAnyValue:StringEquals", List.of("a", "d"), List.of("d"))).isTrue();
        assertThat(PolicyEvaluator.holds("ArnLike", List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                List.of("arn:aws:iam::aws:policy/Read*"))).isTrue();
    }

    @Test
    void aConditionKeyThatCannotBeKnownOfflineIsReportedAndTakenToHold() {
        var s = List.of(allow(List.of("kms:Decrypt"), List.of("*"),
                Map.of("StringEquals", Map.of("kms:ViaService", List.of("secretsmanager.us-east-1.amazonaws.com")))));
        var d = ask(s, "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k", Map.of());
        assertThat(d.allowed()).isTrue();
        assertThat(d.unevaluated()).singleElement().asString().contains("kms:ViaService");
    }
}
