package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The EventBridge rules route each documented sample to exactly the rule meant for it, on the emulator's
 * event bus (rules → SQS queue targets), and drop failed calls.
 */
class SecurityEventPatternsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EnvironmentSpec dev = TestSpecs.load("dev");

    @Test
    void everyWatchedCallIsRoutedByExactlyOneRuleAndOnlySuccessfulCallsMatch() {
        List<SecurityEventPatterns.EventRule> rules = SecurityEventPatterns.rules(dev);
        Map<String, Integer> routed = new TreeMap<>();
        for (SecurityEventPatterns.EventRule rule : rules) {
            JsonNode detail = rule.pattern().get("detail");
            assertThat(rule.pattern().get("detail-type").get(0).asText()).isEqualTo("AWS API Call via CloudTrail");
            assertThat(detail.get("errorCode").get(0).get("exists").asBoolean()).isFalse();
            assertThat(rule.patternJson().length()).as(rule.name()).isLessThan(2048);
            detail.get("eventName").forEach(n -> routed.merge(detail.get("eventSource").get(0).asText() + ":" + n.asText(), 1, Integer::sum));
        }
        Set<String> watched = WatchedCalls.all().stream().map(c -> c.service().eventSource() + ":" + c.eventName()).collect(Collectors.toSet());
        assertThat(routed.keySet()).isEqualTo(watched);
        assertThat(routed.values()).containsOnly(1);
        assertThat(rules).extracting(SecurityEventPatterns.EventRule::name).doesNotHaveDuplicates()
                .allMatch(n -> n.startsWith("qualisys-dev-security-"));
    }

    @Test
    void theIamRuleWatchesTheQualisysRolesAndTheTrailRuleTheManagementTrail() {
        Map<String, SecurityEventPatterns.EventRule> byName = SecurityEventPatterns.rules(dev).stream()
                .collect(Collectors.toMap(SecurityEventPatterns.EventRule::name, r -> r));
        JsonNode roles = byName.get("qualisys-dev-security-iam-roles").pattern().at("/detail/requestParameters/roleName");
        Set<String> names = new HashSet<>();
        roles.forEach(n -> names.add(n.asText()));
        assertThat(names).contains("QualisysCICD", "QualisysDevOpsAdmin", "QualisysEKSService", "qualisys-eks-node-role",
                "qualisys-cluster-autoscaler", "qualisys-vpc-flow-logs", "qualisys-rds-enhanced-monitoring");
        assertThat(byName.get("qualisys-dev-security-trail").patternJson())
                .contains("\"name\":[\"qualisys-management-trail\",{\"suffix\":\":trail/qualisys-management-trail\"}]")
                .contains("\"trailName\":[\"qualisys-management-trail\"");
    }

    @Test
    void samplesReachTheirRuleOnTheEmulatorsEventBus() throws Exception {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        try (AwsClients aws = moto.clients();
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(moto.endpoint()))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            List<SecurityEventPatterns.EventRule> rules = SecurityEventPatterns.rules(dev);
            Map<String, String> queues = new LinkedHashMap<>();
            for (SecurityEventPatterns.EventRule rule : rules) {
                queues.put(rule.name(), sqs.createQueue(r -> r.queueName(rule.name())).queueUrl());
                aws.eventBridge().putRule(r -> r.name(rule.name()).eventPattern(rule.patternJson()));
                aws.eventBridge().putTargets(r -> r.rule(rule.name()).targets(t -> t.id("queue")
                        .arn("arn:aws:sqs:us-east-1:123456789012:" + rule.name())));
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("authorize-sg-ingress-rds-world-5432.json", "network");
            expected.put("modify-sg-rules-k8s-nodes-ssh-world.json", "network");
            expected.put("create-route-database-igw.json", "network");
            expected.put("create-network-acl-entry-database-world.json", "network");
            expected.put("delete-flow-logs.json", "network");
            expected.put("stop-logging.json", "trail");
            expected.put("put-event-selectors.json", "trail");
            expected.put("update-assume-role-policy-cicd.json", "iam-roles");
            expected.put("attach-role-policy-admin.json", "iam-roles");
            expected.put("create-access-key-root.json", "access-keys");
            expected.put("schedule-key-deletion.json", "kms");
            expected.put("update-cluster-config-logging-off.json", "eks");
            expected.put("modify-db-instance-public.json", "rds");
            expected.put("delete-bucket-policy-trail.json", "trail-bucket");
            expected.put("put-resource-policy-master-secret.json", "secrets");
            expected.put("delete-trail-access-denied.json", null); // failed call: no rule
            for (var e : expected.entrySet()) {
                JsonNode event = JSON.readTree(Samples.with("security/" + e.getKey(), SecurityEventClassifierTest.IDS));
                var result = aws.eventBridge().putEvents(r -> r.entries(x -> x.source(event.get("source").asText())
                        .detailType(event.get("detail-type").asText()).detail(event.get("detail").toString())));
                assertThat(result.failedEntryCount()).isZero();
            }
            Map<String, Set<String>> received = new TreeMap<>();
            for (SecurityEventPatterns.EventRule rule : rules) {
                String suffix = rule.name().substring("qualisys-dev-security-".length());
                sqs.receiveMessage(r -> r.queueUrl(queues.get(rule.name())).maxNumberOfMessages(10)).messages().forEach(m -> {
                    try {
                        String eventName = JSON.readTree(m.body()).at("/detail/eventName").asText();
                        received.computeIfAbsent(eventName, k -> new HashSet<>()).add(suffix);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                });
            }
            Map<String, Set<String>> want = new TreeMap<>();
            for (var e : expected.entrySet()) {
                if (e.getValue() == null) continue;
                String eventName = JSON.readTree(Samples.with("security/" + e.getKey(), SecurityEventClassifierTest.IDS)).at("/detail/eventName").asText();
                want.computeIfAbsent(eventName, k -> new HashSet<>()).add(e.getValue());
            }
            assertThat(received).isEqualTo(want);
            assertThat(received).doesNotContainKey("DeleteTrail");
        }
    }
}
