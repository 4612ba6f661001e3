package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.events.budget.OverrideRecord;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.EventClaims;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BudgetAlert invoked directly, as its SNS subscription and a daily schedule invoke it: the whole response
 * in one invocation, the environment from the account the alert was raised in (SNS cannot name it), else
 * QUALISYS_ENVIRONMENT.
 */
class BudgetAlertHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static final String OVERRIDE = "qualisys-monthly-500-2024-05-01-cap-playwright-pool";
    private MotoServer moto;
    private AwsClients aws;
    private ControlPlane controlPlane;

    @BeforeEach
    void poolAboveItsMinimumAndTheControlPlanesOwnState() {
        moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        aws.s3().createBucket(r -> r.bucket(DEV.reportBucket()));
        com.qualisys.controlplane.events.budget.SpentBudget.create(aws, "qualisys-monthly-500", "500", "512.40");
        String topic = aws.sns().createTopic(r -> r.name("qualisys-control-plane-alerts")).topicArn();
        aws.eks().createCluster(r -> r.name("qualisys-eks").version("1.29").roleArn("arn:aws:iam::123456789012:role/QualisysEKSService")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-0a", "subnet-0b")));
        aws.eks().createNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool")
                .nodeRole("arn:aws:iam::123456789012:role/qualisys-eks-node-role").subnets("subnet-0a", "subnet-0b")
                .scalingConfig(s -> s.minSize(5).maxSize(20).desiredSize(7)));
        // The lock table as the CDK app deploys it: the cap and the restore hold the environment's lease.
        aws.dynamoDb().createTable(r -> r.tableName(DEV.state().lockTable())
                .keySchema(k -> k.attributeName(com.qualisys.controlplane.state.ApplyLock.PARTITION_KEY).keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName(com.qualisys.controlplane.state.ApplyLock.PARTITION_KEY).attributeType("S"))
                .billingMode("PAY_PER_REQUEST"));
        controlPlane = new ControlPlane(TestSpecs.loader(), s -> aws, List.of(),
                new ControlPlane.Settings(topic, null, DEV.reportBucket(), DEV.state().lockTable(), "default"));
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private BudgetAlertHandler handler(String environmentVariable, Instant now) {
        return new BudgetAlertHandler(controlPlane, environmentVariable, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static Map<String, Object> snsEvent() throws Exception {
        return JSON.readValue(Samples.text("budget/actual-100-percent-sns-event.json"), new TypeReference<>() {});
    }

    @Test
    void theCapWaitsForTheLockAProvisionHoldsAndChangesNothingMeanwhile() throws Exception {
        String provision = "arn:aws:states:us-east-1:123456789012:execution:qualisys-provision:dev-nightly";
        controlPlane.lock(DEV).acquire("dev", provision, java.time.Duration.ofHours(1));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler("dev", Instant.parse("2024-05-29T07:00:00Z")).handleRequest(snsEvent(), null))
                .isInstanceOf(com.qualisys.controlplane.state.LockHeldException.class).hasMessageContaining("being applied by " + provision);
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                .nodegroup().scalingConfig().maxSize()).as("not capped while the provision holds the lock").isEqualTo(20);

        controlPlane.lock(DEV).release("dev", provision);
        handler("dev", Instant.parse("2024-05-29T07:00:00Z")).handleRequest(snsEvent(), null);
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                .nodegroup().scalingConfig().maxSize()).as("capped once the lock is free").isEqualTo(5);
        assertThat(controlPlane.lock(DEV).record("dev")).containsEntry("lastWrite", "budget: cap node group qualisys-playwright-pool (override "
                + OVERRIDE + ")").doesNotContainKey("leaseId");
    }

    @Test
    void theSnsDeliveryIsAnsweredInOneInvocationAndTheDailyScheduleRestoresItAfterThePeriod() throws Exception {
        Map<String, Object> out = handler("dev", Instant.parse("2024-05-29T07:00:00Z")).handleRequest(snsEvent(), null);

        assertThat(out.get("published")).isEqualTo(true);
        assertThat(out.get("messageId")).isNotNull();
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                .nodegroup().scalingConfig().maxSize()).isEqualTo(5);
        OverrideStore store = new OverrideStore(aws.s3(), DEV.reportBucket(), "dev");
        assertThat(store.get(OVERRIDE).orElseThrow().active()).isTrue();

        Map<String, Object> early = handler("dev", Instant.parse("2024-05-31T12:00:00Z")).handleRequest(Map.of("action", "restore-expired"), null);
        assertThat(early.get("count")).isEqualTo(0);
        assertThat(early).doesNotContainKey("messageId");

        Map<String, Object> restored = handler("dev", Instant.parse("2024-06-01T00:00:00Z")).handleRequest(Map.of("action", "restore-expired"), null);
        assertThat(restored.get("count")).isEqualTo(1);
        assertThat(restored.get("published")).isEqualTo(true);
        assertThat(store.get(OVERRIDE).orElseThrow().status()).isEqualTo(OverrideRecord.Status.RESTORED);
        assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                .nodegroup().scalingConfig().maxSize()).isEqualTo(20);
    }

    @Test
    void theSameSnsMessageDeliveredTwiceAtOnceCapsOnceNotifiesOnceAndTheOtherReportsItselfADuplicate() throws Exception {
        String topic = controlPlane.settings().alertTopicArn();
        try (SqsClient sqs = SqsClient.builder().region(Region.of(MotoServer.REGION)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            String queue = sqs.createQueue(r -> r.queueName("alerts-seen")).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            aws.sns().subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint(queueArn));
            BudgetAlertHandler handler = handler("dev", Instant.parse("2024-05-29T07:00:00Z"));
            Map<String, Object> delivery = snsEvent();

            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Map<String, Object>>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(pool.submit(() -> {
                    together.await();
                    return handler.handleRequest(delivery, null);
                }));
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (Future<Map<String, Object>> a : answers) out.add(a.get(2, TimeUnit.MINUTES));
            pool.shutdown();

            String messageId = "0da238f6-da6c-5214-96e1-635d27a9b79b";
            assertThat(out).extracting(o -> o.get("duplicate")).containsExactlyInAnyOrder(true, false);
            Map<String, Object> duplicate = out.stream().filter(o -> Boolean.TRUE.equals(o.get("duplicate"))).findFirst().orElseThrow();
            assertThat(duplicate).containsEntry("eventId", messageId).doesNotContainKey("published");
            assertThat((String) duplicate.get("note")).startsWith("duplicate delivery of event " + messageId + ": budget-alert invocation ");
            assertThat(new OverrideStore(aws.s3(), DEV.reportBucket(), "dev").all()).hasSize(1);
            assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                    .nodegroup().scalingConfig().maxSize()).isEqualTo(5);
            assertThat(EventClaims.read(aws.dynamoDb(), DEV.state().lockTable(), "dev", messageId))
                    .containsEntry("kind", "budget").containsEntry("duplicates", "1");
            int notified = 0;
            for (int polls = 0; polls < 3; polls++) {
                notified += sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages().size();
            }
            assertThat(notified).as("notifications on the alert topic").isEqualTo(1);

            Map<String, Object> later = handler.handleRequest(delivery, null);
            assertThat(later).containsEntry("duplicate", true);
            assertThat(new OverrideStore(aws.s3(), DEV.reportBucket(), "dev").all()).hasSize(1);
        }
    }

    @Test
    void anAlertFromStagingsAccountIsAnsweredForStagingInStagingsAccountOnly() throws Exception {
        EnvironmentSpec staging = TestSpecs.load("staging");
        String account = staging.aws().accountId();
        try (AwsClients inStaging = moto.clients(MotoServer.inAccount(account))) {
            com.qualisys.controlplane.events.budget.SpentBudget.create(inStaging, "qualisys-monthly-500", "500", "512.40");
            inStaging.eks().createCluster(r -> r.name("qualisys-eks").version("1.29").roleArn("arn:aws:iam::" + account + ":role/QualisysEKSService")
                    .resourcesVpcConfig(v -> v.subnetIds("subnet-0a", "subnet-0b")));
            inStaging.eks().createNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool")
                    .nodeRole("arn:aws:iam::" + account + ":role/qualisys-eks-node-role").subnets("subnet-0a", "subnet-0b")
                    .scalingConfig(sc -> sc.minSize(5).maxSize(20).desiredSize(7)));
            // The hub's state on the hub's clients; each environment in its own account (as its execution role would be).
            ControlPlane spokes = new ControlPlane(TestSpecs.loader(), () -> aws, (spec, session) -> moto.clients(MotoServer.inAccount(spec.aws().accountId())),
                    List.of(), controlPlane.settings());
            Map<String, Object> fromStaging = JSON.readValue(Samples.text("budget/actual-100-percent-sns-event.json")
                    .replace(DEV.aws().accountId(), account), new TypeReference<>() {});

            Map<String, Object> out = new BudgetAlertHandler(spokes, null, Clock.fixed(Instant.parse("2024-05-29T07:00:00Z"), ZoneOffset.UTC))
                    .handleRequest(fromStaging, null);

            assertThat(out.get("environment")).isEqualTo("staging");
            assertThat(inStaging.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                    .nodegroup().scalingConfig().maxSize()).as("staging's pool capped").isEqualTo(5);
            assertThat(aws.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                    .nodegroup().scalingConfig().maxSize()).as("dev's pool, in dev's account, untouched").isEqualTo(20);
            assertThat(new OverrideStore(aws.s3(), DEV.reportBucket(), "staging").get(OVERRIDE).orElseThrow().active()).isTrue();
            assertThat(new OverrideStore(aws.s3(), DEV.reportBucket(), "dev").get(OVERRIDE)).isEmpty();
        }
    }

    @Test
    void anAlertFromAnAccountNoEnvironmentNamesIsRefusedBeforeAnyCall() throws Exception {
        Map<String, Object> stranger = JSON.readValue(Samples.text("budget/actual-100-percent-sns-event.json")
                .replace(DEV.aws().accountId(), "999988887777"), new TypeReference<>() {});
        aws.calls().reset();
        assertThatThrownBy(() -> handler(null, Instant.now()).handleRequest(stranger, null))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("alert from account 999988887777: no environment has this aws.accountId (")
                .hasMessageContaining("dev: " + DEV.aws().accountId())
                .hasMessageEndingWith("); name the environment in the input or set QUALISYS_ENVIRONMENT");
        assertThatThrownBy(() -> handler("dev", Instant.now()).handleRequest(Map.of("step", "parse", "environment", "dev",
                "alert", Map.of("Records", List.of())), null))
                .isInstanceOf(BadInputException.class).hasMessage("alert rejected: Records (0 records) must hold exactly one SNS record");
        assertThat(aws.calls().total()).isZero();
    }

}
