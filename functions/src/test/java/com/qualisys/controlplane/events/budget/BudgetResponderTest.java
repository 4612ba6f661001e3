package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.TestSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * The budget ladder against the emulator: the Playwright pool is capped, the override recorded in the
 * report bucket, the top services read from Cost Explorer, and everything restored; checked with a
 * separate client.
 */
class BudgetResponderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2024-05-29T07:00:00Z");
    private final EnvironmentSpec dev = TestSpecs.load("dev");
    private MotoServer moto;
    private AwsClients aws;
    private AwsClients observer;

    @BeforeEach
    void poolRunningAboveItsMinimum() throws Exception {
        moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        observer = moto.clients();
        observer.s3().createBucket(r -> r.bucket(dev.reportBucket()));
        SpentBudget.create(observer, "qualisys-monthly-500", "500", "512.40"); // what AWS Budgets confirms
        observer.eks().createCluster(r -> r.name("qualisys-eks").version("1.29").roleArn("arn:aws:iam::123456789012:role/QualisysEKSService")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-0a", "subnet-0b")));
        observer.eks().createNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool")
                .nodeRole("arn:aws:iam::123456789012:role/qualisys-eks-node-role").subnets("subnet-0a", "subnet-0b")
                .instanceTypes("c5.xlarge").scalingConfig(s -> s.minSize(5).maxSize(20).desiredSize(7)));
        costExplorerAnswers("""
                {"results": [{"ResultsByTime": [{"TimePeriod": {"Start": "2024-05-01", "End": "2024-05-30"}, "Total": {}, "Estimated": true,
                  "Groups": [
                    {"Keys": ["Amazon Relational Database Service"], "Metrics": {"UnblendedCost": {"Amount": "61.02", "Unit": "USD"}}},
                    {"Keys": ["Amazon Elastic Compute Cloud - Compute"], "Metrics": {"UnblendedCost": {"Amount": "288.4061", "Unit": "USD"}}},
                    {"Keys": ["AWS CloudTrail"], "Metrics": {"UnblendedCost": {"Amount": "2.10", "Unit": "USD"}}},
                    {"Keys": ["EC2 - Other"], "Metrics": {"UnblendedCost": {"Amount": "74.88", "Unit": "USD"}}},
                    {"Keys": ["Amazon Elastic Container Service for Kubernetes"], "Metrics": {"UnblendedCost": {"Amount": "70.00", "Unit": "USD"}}},
                    {"Keys": ["Amazon Simple Storage Service"], "Metrics": {"UnblendedCost": {"Amount": "4.77", "Unit": "USD"}}},
                    {"Keys": ["Amazon Virtual Private Cloud"], "Metrics": {"UnblendedCost": {"Amount": "2.01", "Unit": "USD"}}}]}],
                  "DimensionValueAttributes": []}]}
                """);
    }

    @AfterEach
    void close() {
        aws.close();
        observer.close();
    }

    private void costExplorerAnswers(String results) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(moto.endpoint() + "/moto-api/static/ce/cost-and-usage-results"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(results)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
    }

    private BudgetResponder responder(AwsClients clients, Instant now) {
        return new BudgetResponder("dev", clients, new OverrideStore(clients.s3(), dev.reportBucket(), "dev"),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private NodegroupScalingConfig pool() {
        return observer.eks().describeNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool"))
                .nodegroup().scalingConfig();
    }

    private BudgetLadder.Plan hundredPercent() throws Exception {
        return BudgetLadder.plan(BudgetAlertParser.parse(Samples.text("budget/actual-100-percent-sns-event.json")), dev);
    }

    @Test
    void atOneHundredPercentThePoolIsCappedRecordedAndTheTopFiveServicesNotified() throws Exception {
        BudgetResponder.BudgetResponse response = responder(aws, NOW).respond(hundredPercent());

        assertThat(pool().minSize()).isEqualTo(5);
        assertThat(pool().maxSize()).isEqualTo(5);
        assertThat(pool().desiredSize()).isEqualTo(5);
        assertThat(response.topServices()).extracting(ServiceCost::service).containsExactly(
                "Amazon Elastic Compute Cloud - Compute", "EC2 - Other", "Amazon Elastic Container Service for Kubernetes",
                "Amazon Relational Database Service", "Amazon Simple Storage Service");
        String id = "qualisys-monthly-500-2024-05-01-cap-playwright-pool";
        JsonNode stored = JSON.readTree(observer.s3().getObjectAsBytes(r -> r.bucket(dev.reportBucket())
                .key("overrides/dev/" + id + ".json")).asByteArray());
        assertThat(stored.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(stored.get("logicalId").asText()).isEqualTo("eks/node-group/playwright-pool");
        assertThat(stored.get("expiresAt").asText()).isEqualTo("2024-06-01T00:00:00Z");
        assertThat(stored.get("changes").toString()).isEqualTo(
                "[{\"path\":\"scaling.maxSize\",\"before\":20,\"after\":5},{\"path\":\"desiredSize\",\"before\":7,\"after\":5}]");
        assertThat(response.notification().subject()).isEqualTo("[dev] Budget qualisys-monthly-500 ACTUAL passed $500.00");
        assertThat(response.notification().body())
                .contains("1. Amazon Elastic Compute Cloud - Compute: 288.41 USD")
                .contains("eks/node-group/playwright-pool [" + id + "]: scaling.maxSize 20 -> 5, desiredSize 7 -> 5");

        aws.calls().reset();
        responder(aws, NOW).respond(hundredPercent());
        assertThat(aws.calls().mutating()).as("a repeated alert changes nothing").isZero();
    }

    @Test
    void aForgedAlertWhoseSpendAwsBudgetsDoesNotConfirmCapsNothing() throws Exception {
        observer.budgets().deleteBudget(r -> r.accountId("123456789012").budgetName("qualisys-monthly-500"));
        SpentBudget.create(observer, "qualisys-monthly-500", "500", "120.00");
        BudgetResponder responder = responder(aws, NOW);

        assertThat(responder.record(hundredPercent())).as("no override recorded").isEmpty();
        BudgetResponder.BudgetResponse response = responder.respond(hundredPercent());

        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(pool().desiredSize()).isEqualTo(7);
        assertThat(response.overrides()).isEmpty();
        assertThat(response.notes()).anySatisfy(n -> assertThat(n).contains(
                "not capping: AWS Budgets reports ACTUAL spend $120.00 of $500", "below the alert's threshold $500.00"));
        assertThat(response.notification().body()).contains("not capping: AWS Budgets reports ACTUAL spend $120.00");
        assertThat(aws.calls().mutatingByOperation()).doesNotContainKeys("Eks.UpdateNodegroupConfig", "S3.PutObject");

        observer.budgets().deleteBudget(r -> r.accountId("123456789012").budgetName("qualisys-monthly-500"));
        assertThat(responder(aws, NOW).respond(hundredPercent()).notes())
                .anySatisfy(n -> assertThat(n).contains("AWS Budgets has no budget qualisys-monthly-500"));
        assertThat(pool().maxSize()).isEqualTo(20);
    }

    @Test
    void restorePutsTheRecordedValuesBackOnceAndKeepsTheRecordAsRestored() throws Exception {
        BudgetResponder responder = responder(aws, NOW);
        responder.respond(hundredPercent());
        String id = "qualisys-monthly-500-2024-05-01-cap-playwright-pool";

        OverrideRecord restored = responder.restore(id, "restored by hand").orElseThrow();
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(pool().desiredSize()).isEqualTo(7);
        assertThat(restored.status()).isEqualTo(OverrideRecord.Status.RESTORED);
        assertThat(new OverrideStore(observer.s3(), dev.reportBucket(), "dev").get(id).orElseThrow().restoreReason())
                .isEqualTo("restored by hand");

        aws.calls().reset();
        responder.restore(id, "again");
        assertThat(aws.calls().mutating()).isZero();
        responder.respond(hundredPercent());
        assertThat(pool().maxSize()).as("a restored override is not re-applied in the same period").isEqualTo(20);
    }

    @Test
    void overridesAreRestoredAutomaticallyWhenTheNextBudgetPeriodStarts() throws Exception {
        responder(aws, NOW).respond(hundredPercent());

        assertThat(responder(aws, NOW).restoreExpired(Instant.parse("2024-05-31T23:59:59Z"))).isEmpty();
        assertThat(pool().maxSize()).isEqualTo(5);

        List<OverrideRecord> restored = responder(aws, NOW).restoreExpired(Instant.parse("2024-06-01T00:00:00Z"));
        assertThat(restored).singleElement().satisfies(o -> assertThat(o.restoreReason()).contains("budget period ended"));
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(new OverrideStore(observer.s3(), dev.reportBucket(), "dev").active()).isEmpty();
    }

    @Test
    void aRunKilledAfterRecordingTheOverrideConvergesOnTheNextRun() throws Exception {
        try (AwsClients crashing = moto.clients(new CrashAfter(1))) {
            assertThatThrownBy(() -> responder(crashing, NOW).respond(hundredPercent())).isInstanceOf(CrashAfter.SimulatedCrash.class);
        }
        assertThat(pool().maxSize()).as("the record was written, the cap not yet").isEqualTo(20);

        responder(aws, NOW).respond(hundredPercent());
        assertThat(pool().maxSize()).isEqualTo(5);
        List<OverrideRecord> all = new OverrideStore(observer.s3(), dev.reportBucket(), "dev").all();
        assertThat(all).singleElement().satisfies(o -> {
            assertThat(o.changes().getFirst().before()).as("the before value survives the crash").isEqualTo(20);
            assertThat(o.active()).isTrue();
        });
    }
}
