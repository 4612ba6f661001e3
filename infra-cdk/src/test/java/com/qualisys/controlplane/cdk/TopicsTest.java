package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class TopicsTest {
    private final Template template = TestStacks.phaseOne().template();

    @Test
    void alertAndDriftTopicsAreEncryptedWithARotatedKeyThatCloudWatchMayUse() {
        for (String name : List.of(Alerting.ALERT_TOPIC, Alerting.DRIFT_TOPIC)) {
            template.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", name,
                    "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AlertingTopicKey.*"), "Arn"))));
        }
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true,
                "KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"))))))));
    }

    @Test
    void theAlertEmailParameterSubscribesToBothTopicsAndDefaultsToTheConfiguredAddress() {
        template.hasParameter("AlertEmail", Map.of("Type", "String", "Default", "alerts@qualisys.example"));
        Map<String, Map<String, Object>> subscriptions = Cfn.resources(template, "AWS::SNS::Subscription");
        List<Object> emailTopics = subscriptions.values().stream().map(Cfn::props)
                .filter(p -> "email".equals(p.get("Protocol")))
                .peek(p -> assertThat(p.get("Endpoint")).isEqualTo(Map.of("Ref", "AlertEmail")))
                .map(p -> (Object) Cfn.target(p.get("TopicArn"))).toList();
        assertThat(emailTopics).hasSize(2).allSatisfy(t -> assertThat(t.toString()).matches("Alerting(Alert|Drift)Topic.*"));
    }

    @Test
    void topicsRefusePlainHttpAndLetCloudWatchAlarmsPublish() {
        Map<String, Map<String, Object>> policies = Cfn.resources(template, "AWS::SNS::TopicPolicy");
        assertThat(policies).hasSize(2);
        policies.values().forEach(p -> assertThat(p.toString())
                .contains("aws:SecureTransport=false").contains("Effect=Deny")
                .contains("Service=cloudwatch.amazonaws.com"));
    }
}
