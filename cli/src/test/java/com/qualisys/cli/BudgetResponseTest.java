package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.state.ReportStore;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.events.budget.OverrideRecord;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.YearMonth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eks.model.NodegroupScalingConfig;

/**
 * The budget-response state machine, run by the local runner against the local AWS, fed the documented
 * AWS Budgets and Cost Anomaly Detection samples (functions/src/test/resources/events): the ladder caps the
 * Playwright pool, records the override in the report bucket, notifies the top cost drivers; `qualisys
 * restore` undoes it. Checked with a client of its own and in the alert topic's notifications.
 */
class BudgetResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static final String CLUSTER = "qualisys-eks";
    private static final String POOL = "qualisys-playwright-pool";
    private static final String OVERRIDE = "qualisys-monthly-500-2024-05-01-cap-playwright-pool";
    private static final AtomicInteger INBOXES = new AtomicInteger();

    @TempDir
    Path tmp;
    private final LocalAws local = LocalAws.shared();
    private AwsClients observer;
    private AlertInbox inbox;

    /** The real layers the Playwright pool needs: IAM roles, the network, the cluster and its node groups. */
    private static final String SAMPLE_MESSAGE_ID = "0da238f6-da6c-5214-96e1-635d27a9b79b";

    @BeforeAll
    static void clusterAppliedByTheEksLayer() {
        LocalAws.shared().reset();
        try (AwsClients aws = LocalAws.shared().clients()) {
            Reconciler reconciler = new Reconciler(DEV, aws, Layers.all());
            for (String layer : List.of("iam", "vpc", "eks")) {
                for (int run = 0; run < 5 && !reconciler.apply(layer, false).isComplete(); run++) {
                    // a change waits for something AWS is still creating: apply again, as provision's loop does
                }
            }
        }
    }

    /** The Playwright pool above its minimum (min 5, max 20, desired 7), no override recorded, Cost Explorer's answer set. */
    @BeforeEach
    void poolRunningAboveItsMinimum() throws Exception {
        observer = local.clients();
        observer.eks().updateNodegroupConfig(r -> r.clusterName(CLUSTER).nodegroupName(POOL)
                .scalingConfig(s -> s.minSize(5).maxSize(20).desiredSize(7)));
        String bucket = DEV.state().reportBucket();
        if (observer.s3().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
            observer.s3().listObjectsV2(r -> r.bucket(bucket).prefix("overrides/")).contents()
                    .forEach(o -> observer.s3().deleteObject(r -> r.bucket(bucket).key(o.key())));
        }
        costExplorerAnswers();
        // What AWS Budgets reports for the budget (the emulator keeps the spend given at creation): the response
        // confirms an alert against it before it caps anything.
        try {
            observer.budgets().deleteBudget(r -> r.accountId(observer.accountId()).budgetName("qualisys-monthly-500"));
        } catch (software.amazon.awssdk.services.budgets.model.NotFoundException none) {
            // first test of the class
        }
        observer.budgets().createBudget(r -> r.accountId(observer.accountId()).budget(b -> b.budgetName("qualisys-monthly-500")
                .budgetType("COST").timeUnit("MONTHLY").budgetLimit(l -> l.amount(new java.math.BigDecimal("500")).unit("USD"))
                .calculatedSpend(c -> c.actualSpend(x -> x.amount(new java.math.BigDecimal("512.40")).unit("USD")))));
        inbox = new AlertInbox(local.endpoint(), observer, "budget-alerts-" + INBOXES.incrementAndGet());
    }

    @AfterEach
    void close() {
        inbox.close();
        observer.close();
    }

    @Test
    void atOneHundredPercentThePoolIsCappedRecordedAndNotifiedAndQualisysRestorePutsItBack() throws Exception {
        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("budget/actual-100-percent-sns-event.json"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(pool().maxSize()).isEqualTo(5);
        assertThat(pool().desiredSize()).isEqualTo(5);
        assertThat(pool().minSize()).isEqualTo(5);
        OverrideRecord recorded = store().get(OVERRIDE).orElseThrow();
        assertThat(recorded.status()).isEqualTo(OverrideRecord.Status.ACTIVE);
        assertThat(recorded.logicalId()).isEqualTo("eks/node-group/playwright-pool");
        JsonNode response = run.execution().get("output");
        assertThat(response.at("/overrides/0/id").asText()).isEqualTo(OVERRIDE);
        assertThat(response.at("/topServices/0/service").asText()).isEqualTo("Amazon Elastic Compute Cloud - Compute");
        assertThat(response.at("/publish/messageId").isTextual()).isTrue();
        assertThat(run.err()).as("--json: no progress lines").isEmpty();
        assertThat(inbox.received()).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("[dev] Budget qualisys-monthly-500 ACTUAL passed $500.00");
            assertThat(a.body()).contains("ACTUAL cost $503.18 of a $500.00 budget",
                    "1. Amazon Elastic Compute Cloud - Compute: 288.41 USD",
                    "eks/node-group/playwright-pool [" + OVERRIDE + "]: ", "maxSize 20 -> 5");
        });

        Cli restore = Cli.qualisys("restore", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--override", OVERRIDE);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(pool().desiredSize()).isEqualTo(7);
        assertThat(store().get(OVERRIDE).orElseThrow().status()).isEqualTo(OverrideRecord.Status.RESTORED);
        assertThat(restore.out()).as("a human summary by default, not JSON")
                .startsWith("budget-response ").contains(": SUCCEEDED\nRestored 1 override(s).\n  - " + OVERRIDE
                        + " on eks/node-group/playwright-pool:\n").doesNotContain("{");
        assertThat(inbox.received()).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("[dev] Restored eks/node-group/playwright-pool after budget override");
            assertThat(a.body()).contains("back to 20 (was 5)");
        });

        Cli again = Cli.qualisys("restore", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--override", OVERRIDE);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Nothing restored. override " + OVERRIDE + " was already restored at");

        Cli unknown = Cli.qualisys("restore", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(), "--override", "no-such-override");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.execution().get("cause").asText())
                .isEqualTo("no override no-such-override in dev; recorded: " + OVERRIDE + " (RESTORED)");
    }

    @Test
    void theCapIsReportedByDriftCheckAsAnOverrideAndProvisionDoesNotRevertIt() throws Exception {
        // An alert of the current budget period: its cap is in force until the period ends.
        String override = "qualisys-monthly-500-" + YearMonth.now(ZoneOffset.UTC).atDay(1) + "-cap-playwright-pool";
        assertThat(Cli.qualisys("simulate-event", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(),
                sampleOfThisPeriod("budget/actual-100-percent-sns-event.json")).exitCode()).isZero();

        Cli drift = Cli.qualisys("run", "drift-check", "--env", "dev", "--local", "--emulator", "--endpoint-url", local.endpoint(),
                "--input", "{\"layers\":[\"eks\"]}");
        assertThat(drift.exitCode()).as("an override is not drift: " + drift).isZero();
        JsonNode report = JSON.readTree(new ReportStore(observer.s3(), DEV.state().reportBucket()).latestJson("dev").orElseThrow());
        assertThat(report.get("changes").asInt()).isZero();
        assertThat(report.get("overrides").asInt()).isEqualTo(1);
        JsonNode overridden = report.at("/layers/0/overridden/0");
        assertThat(overridden.get("logicalId").asText()).isEqualTo("eks/node-group/playwright-pool");
        assertThat(overridden.get("path").asText()).isEqualTo("scaling.maxSize");
        assertThat(overridden.get("expected").asInt()).isEqualTo(20);
        assertThat(overridden.get("actual").asInt()).isEqualTo(5);
        assertThat(overridden.get("overrideId").asText()).isEqualTo(override);

        Cli provision = Cli.qualisys("run", "provision", "--env", "dev", "--local", "--emulator", "--endpoint-url", local.endpoint(),
                "--input", "{\"layers\":[\"eks\"],\"runDbInit\":false}");
        assertThat(provision.exitCode()).as(provision.toString()).isZero();
        assertThat(pool().maxSize()).as("provision leaves the cap as it is").isEqualTo(5);

        assertThat(Cli.qualisys("restore", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--override", override).exitCode()).isZero();
        assertThat(Cli.qualisys("run", "drift-check", "--env", "dev", "--local", "--emulator", "--endpoint-url", local.endpoint(),
                "--input", "{\"layers\":[\"eks\"]}").exitCode()).isZero();
        JsonNode after = JSON.readTree(new ReportStore(observer.s3(), DEV.state().reportBucket()).latestJson("dev").orElseThrow());
        assertThat(after.get("overrides").asInt()).isZero();
        assertThat(after.get("changes").asInt()).isZero();
    }

    @Test
    void driftLayerEksAfterACapWhoseBudgetPeriodEndedLongAgoReportsItExpired_wasNoDriftOneIntentionalOverride() throws Exception {
        assertThat(Cli.qualisys("simulate-event", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(),
                sample("budget/actual-100-percent-sns-event.json")).exitCode()).isZero();
        assertThat(pool().maxSize()).isEqualTo(5);

        Cli drift = Cli.qualisys("drift", "--env", "dev", "--layer", "eks", "--emulator", "--endpoint-url", local.endpoint());
        assertThat(drift.exitCode()).as("the May 2024 cap no longer hides drift: " + drift).isEqualTo(2);
        assertThat(drift.out()).doesNotContain("No drift", "intentional override")
                .contains("~ eks/node-group/playwright-pool", "1 expired override(s) (drift again).",
                        "! eks/node-group/playwright-pool scaling.maxSize: override " + OVERRIDE + " has expired (",
                        "expired 2024-06-01T00:00:00Z", "`qualisys restore --env dev --all-expired` puts 20 back");
        JsonNode stored = JSON.readTree(new ReportStore(observer.s3(), DEV.state().reportBucket()).latestJson("dev").orElseThrow());
        assertThat(stored.get("expiredOverrides").asInt()).isEqualTo(1);
        assertThat(stored.at("/layers/0/expiredOverrides/0/overrideId").asText()).isEqualTo(OVERRIDE);

        assertThat(Cli.qualisys("restore", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--all-expired").exitCode()).isZero();
        Cli after = Cli.qualisys("drift", "--env", "dev", "--layer", "eks", "--emulator", "--endpoint-url", local.endpoint());
        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(after.out()).contains("eks: no drift").doesNotContain("expired");
    }

    @Test
    void aRepeatedAlertOnlyNotifiesAgain() throws Exception {
        try (InProcessResponses responses = new InProcessResponses(local, DEV)) {
            ObjectNode in = alert(newMessageId(Samples.text("budget/actual-100-percent-sns-event.json")));
            ExecutionResult first = responses.run("budget-response", in);
            assertThat(first.status()).as(first.error() + ": " + first.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(first.statesEntered()).containsSubsequence("Parse", "Record", "RunLadder", "Notify");
            // The cap holds the environment's lease (acquired with PutItem, fenced and released with UpdateItem).
            assertThat(responses.aws.calls().mutatingByOperation()).containsOnlyKeys("S3.PutObject", "Eks.UpdateNodegroupConfig",
                    "Sns.Publish", "DynamoDb.PutItem", "DynamoDb.UpdateItem");

            // The same alert again in a new SNS message: nothing recorded or capped again, one notification (the lease is
            // taken and released around the check).
            ObjectNode again = alert(newMessageId(Samples.text("budget/actual-100-percent-sns-event.json")));
            ExecutionResult second = responses.run("budget-response", again);
            assertThat(second.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(responses.aws.calls().mutatingByOperation()).containsEntry("Sns.Publish", 1)
                    .doesNotContainKeys("S3.PutObject", "Eks.UpdateNodegroupConfig");

            // The same SNS message delivered again (at least once): a duplicate, nothing done, nothing told.
            ExecutionResult redelivered = responses.run("budget-response", again);
            assertThat(redelivered.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(redelivered.statesEntered()).containsSubsequence("Parse", "ClaimAlert", "Duplicate").doesNotContain("Record", "RunLadder", "Notify");
            assertThat(redelivered.output().get("duplicate").asBoolean()).isTrue();
            // Only the claim (PutItem refused, the duplicate counted with UpdateItem).
            assertThat(responses.aws.calls().mutatingByOperation()).containsOnlyKeys("DynamoDb.PutItem", "DynamoDb.UpdateItem");
        }
        assertThat(pool().maxSize()).isEqualTo(5);
    }

    @Test
    void overridesWhoseBudgetPeriodEndedAreRestoredByAllExpired() throws Exception {
        assertThat(Cli.qualisys("simulate-event", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(),
                sample("budget/actual-100-percent-sns-event.json")).exitCode()).isZero();

        Cli restore = Cli.qualisys("restore", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(), "--all-expired");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.execution().at("/output/restored/0/id").asText()).isEqualTo(OVERRIDE);
        assertThat(store().get(OVERRIDE).orElseThrow().restoreReason()).isEqualTo("the budget period ended 2024-06-01T00:00:00Z");
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(Cli.qualisys("restore", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), "--all-expired").out())
                .contains("Nothing restored.");
    }

    @Test
    void aDryRunShowsTheLadderStepInAHumanSummaryAndTouchesNothing_wasJsonOnStdout() throws Exception {
        Cli human = Cli.qualisys("simulate-event", "--env", "dev", "--dry-run", "--emulator", "--endpoint-url", local.endpoint(),
                sample("budget/actual-100-percent-sns-event.json"));
        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.out()).startsWith("budget-response ").contains(": SUCCEEDED", "Planned response (dry run):",
                "notify the top 5 services by cost from 2024-05-01").doesNotContain("\"ladderStep\"");

        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--dry-run", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("budget/actual-100-percent-sns-event.json"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode plan = run.execution().get("output");
        assertThat(plan.get("ladderStep").asText()).isEqualTo("100% [cap-playwright-pool, notify-top-services]");
        assertThat(plan.at("/actions/0/describe").asText()).isEqualTo("cap node group qualisys-playwright-pool "
                + "(eks/node-group/playwright-pool) at its minimum of 5 (maxSize and desiredSize) until the budget period ends, recorded as an override");
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(store().all()).isEmpty();
        assertThat(inbox.received()).isEmpty();
    }

    @Test
    void aMalformedBudgetNotificationIsRejectedNamingTheFieldAndNothingIsCalledOrChanged() throws Exception {
        String malformed = Samples.text("budget/actual-100-percent-sns-event.json").replace("Budgeted Amount: $500.00", "Budgeted Amount: $-5.00");
        try (InProcessResponses responses = new InProcessResponses(local, DEV)) {
            ExecutionResult result = responses.run("budget-response", alert(malformed));

            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.error()).isEqualTo("com.qualisys.controlplane.handlers.BadInputException");
            assertThat(result.cause()).isEqualTo("alert rejected: Budgeted Amount \"$-5.00\" is not a USD amount like $1,234.56");
            assertThat(responses.aws.calls().mutating()).isZero();
        }
        Path file = tmp.resolve("malformed.json");
        Files.writeString(file, malformed);
        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: event rejected: Budgeted Amount \"$-5.00\" is not a USD amount like $1,234.56; nothing was done");
        assertThat(pool().maxSize()).isEqualTo(20);
        assertThat(inbox.received()).isEmpty();
    }

    @Test
    void aCostAnomalyFromEventBridgeIsNotifiedAndAsksForADriftCheck() throws Exception {
        String queue = "drift-requests-" + INBOXES.incrementAndGet();
        try (var sqs = inbox.sqs()) {
            String url = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
            observer.eventBridge().putRule(r -> r.name(queue).eventPattern(
                    "{\"source\":[\"qualisys.control-plane\"],\"detail-type\":[\"Drift Check Requested\"]}"));
            observer.eventBridge().putTargets(r -> r.rule(queue).targets(t -> t.id("queue").arn("arn:aws:sqs:us-east-1:123456789012:" + queue)));

            Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(), sample("anomaly/eventbridge-event.json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.execution().at("/output/driftCheckRequested").asBoolean()).isTrue();
            assertThat(inbox.received()).singleElement().satisfies(a -> {
                assertThat(a.subject()).isEqualTo("[dev] Cost anomaly: Amazon Elastic Compute Cloud - Compute +$254.70");
                assertThat(a.body()).contains("Done: a drift check of every layer was requested");
            });
            var requests = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
            assertThat(requests).singleElement().satisfies(m -> {
                JsonNode event = JSON.readTree(m.body());
                assertThat(event.at("/detail/environment").asText()).isEqualTo("dev");
                assertThat(event.at("/detail/reason").asText()).startsWith("cost anomaly 4d3c2b1a-abcd-ef12-3456-987654321a12");
            });
        }
        assertThat(pool().maxSize()).as("an anomaly caps nothing").isEqualTo(20);
    }

    /** A sample alert moved into the current budget period (the samples are of May 2024). */
    private String sampleOfThisPeriod(String name) throws Exception {
        Path file = tmp.resolve("now-" + name.replace('/', '-'));
        Instant now = Instant.now();
        String notified = java.time.format.DateTimeFormatter.ofPattern("MMMM d, uuuu", java.util.Locale.US).withZone(ZoneOffset.UTC).format(now);
        Files.writeString(file, newMessageId(Samples.text(name)).replace("2024-05-29T06:58:50.842Z", now.toString())
                .replace("AWS Budget Notification May 29, 2024", "AWS Budget Notification " + notified));
        return file.toString();
    }

    private String sample(String name) throws Exception {
        Path file = tmp.resolve(name.replace('/', '-'));
        Files.writeString(file, newMessageId(Samples.text(name)));
        return file.toString();
    }

    /**
     * The sample as a new SNS message (a new MessageId): each test's alert is its own delivery, not a redelivery of
     * another test's, which the response would answer as a duplicate.
     */
    private static String newMessageId(String sample) {
        return sample.replace(SAMPLE_MESSAGE_ID, java.util.UUID.randomUUID().toString());
    }

    private static ObjectNode alert(String payload) throws Exception {
        ObjectNode in = JSON.createObjectNode();
        in.put("environment", "dev");
        in.set("alert", JSON.readTree(payload));
        return in;
    }

    private NodegroupScalingConfig pool() {
        return observer.eks().describeNodegroup(r -> r.clusterName(CLUSTER).nodegroupName(POOL)).nodegroup().scalingConfig();
    }

    private OverrideStore store() {
        return new OverrideStore(observer.s3(), DEV.state().reportBucket(), "dev");
    }

    private static void costExplorerAnswers() throws Exception {
        String results = """
                {"results": [{"ResultsByTime": [{"TimePeriod": {"Start": "2024-05-01", "End": "2024-05-30"}, "Total": {}, "Estimated": true,
                  "Groups": [
                    {"Keys": ["Amazon Relational Database Service"], "Metrics": {"UnblendedCost": {"Amount": "61.02", "Unit": "USD"}}},
                    {"Keys": ["Amazon Elastic Compute Cloud - Compute"], "Metrics": {"UnblendedCost": {"Amount": "288.4061", "Unit": "USD"}}},
                    {"Keys": ["EC2 - Other"], "Metrics": {"UnblendedCost": {"Amount": "74.88", "Unit": "USD"}}},
                    {"Keys": ["Amazon Elastic Container Service for Kubernetes"], "Metrics": {"UnblendedCost": {"Amount": "70.00", "Unit": "USD"}}},
                    {"Keys": ["Amazon Simple Storage Service"], "Metrics": {"UnblendedCost": {"Amount": "4.77", "Unit": "USD"}}},
                    {"Keys": ["Amazon Virtual Private Cloud"], "Metrics": {"UnblendedCost": {"Amount": "2.01", "Unit": "USD"}}}]}],
                  "DimensionValueAttributes": []}]}
                """;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(MotoServer.shared().endpoint() + "/moto-api/static/ce/cost-and-usage-results"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(results)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
    }
}
