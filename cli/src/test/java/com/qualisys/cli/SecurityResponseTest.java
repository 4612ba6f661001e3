package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.asl.ExecutionResult;
import com.qualisys.asl.ExecutionStatus;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.EventClaims;
import com.qualisys.controlplane.testing.TestSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The security-response state machine, run by the local runner against the emulator, fed the documented
 * CloudTrail samples (functions/src/test/resources/events/security): the network is applied by the real
 * VPC layer first, the out-of-band change is made with a client of its own, and what the response did is
 * checked with that client and in the alert topic's notifications (an SQS queue subscribed to it).
 */
class SecurityResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec DEV = TestSpecs.load("dev");
    private static final String JANE = "arn:aws:sts::123456789012:assumed-role/QualisysDevOpsAdmin/jane.doe";

    private static final AtomicInteger INBOXES = new AtomicInteger();

    @TempDir
    Path tmp;
    private final LocalAws local = LocalAws.shared();
    private AwsClients observer;
    private AlertInbox inbox;

    @BeforeAll
    static void emptyAccount() {
        LocalAws.shared().reset();
    }

    /** The network as the spec wants it (repaired if an earlier test left it changed), and a fresh alert inbox. */
    @BeforeEach
    void appliedNetwork() {
        observer = local.clients();
        new Reconciler(DEV, observer, List.of(new VpcLayer())).apply("vpc", false);
        inbox = new AlertInbox(local.endpoint(), observer, "alerts-" + INBOXES.incrementAndGet());
        forgetClaimedEvents();
    }

    /**
     * The tests deliver the same sample events (same CloudTrail event ids): each test is a fresh
     * first delivery, so the claims earlier tests left in the lock table are removed.
     */
    private void forgetClaimedEvents() {
        String table = DEV.state().lockTable();
        if (!observer.dynamoDb().listTables().tableNames().contains(table)) return;
        observer.dynamoDb().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(i -> i.get(ApplyLock.PARTITION_KEY).s().startsWith("event/"))
                .forEach(i -> observer.dynamoDb().deleteItem(r -> r.tableName(table).key(Map.of(ApplyLock.PARTITION_KEY, i.get(ApplyLock.PARTITION_KEY)))));
    }

    @Test
    void theSameEventDeliveredTwiceAtOnceIsRemediatedAndNotifiedOnceAndTheOtherDeliveryIsADuplicate() throws Exception {
        String rds = group("rds").groupId();
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        ObjectNode event = input(Samples.with("security/authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (InProcessResponses first = new InProcessResponses(local, DEV); InProcessResponses second = new InProcessResponses(local, DEV)) {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<ExecutionResult>> runs = new java.util.ArrayList<>();
            for (InProcessResponses delivery : List.of(first, second)) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return delivery.run("security-response", event);
                }));
            }
            start.countDown();
            List<ExecutionResult> results = new java.util.ArrayList<>();
            for (var run : runs) results.add(run.get(300, java.util.concurrent.TimeUnit.SECONDS));

            assertThat(results).extracting(ExecutionResult::status).containsOnly(ExecutionStatus.SUCCEEDED);
            List<ExecutionResult> duplicates = results.stream().filter(r -> r.output().path("duplicate").asBoolean(false)).toList();
            assertThat(duplicates).as("%s", results.stream().map(ExecutionResult::output).toList()).hasSize(1);
            ExecutionResult responded = results.stream().filter(r -> !r.output().path("duplicate").asBoolean(false)).findFirst().orElseThrow();
            assertThat(duplicates.getFirst().output().get("note").asText())
                    .isEqualTo("duplicate delivery of event 77157ead-ab20-6121-80e4-f87b0ecc393d: " + responded.executionId() + " responds to it");
            assertThat(responded.output().at("/done/0/status").asText()).isEqualTo("DONE");
            int revokes = first.aws.calls().mutatingByOperation().getOrDefault("Ec2.RevokeSecurityGroupIngress", 0)
                    + second.aws.calls().mutatingByOperation().getOrDefault("Ec2.RevokeSecurityGroupIngress", 0);
            assertThat(revokes).as("revoke calls of both deliveries").isEqualTo(1);

            Map<String, String> claim = EventClaims.read(observer.dynamoDb(), DEV.state().lockTable(), "dev",
                    "77157ead-ab20-6121-80e4-f87b0ecc393d");
            assertThat(claim).containsEntry("respondedBy", responded.executionId()).containsEntry("duplicates", "1")
                    .containsEntry("lastDuplicateBy", duplicates.getFirst().executionId()).containsKey(ApplyLock.TTL_ATTRIBUTE);
        } finally {
            pool.shutdownNow();
        }
        assertThat(inbox.received()).as("notifications").hasSize(1);
        assertThat(group("rds").ipPermissions()).allSatisfy(p -> assertThat(p.ipRanges()).isEmpty());
    }

    @Test
    void aRemediationThatFindsTheRuleAlreadyRevokedSucceedsQuietly() throws Exception {
        String rds = group("rds").groupId();
        Runnable revokeWorld = () -> observer.ec2().revokeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp")
                .fromPort(5432).toPort(5432).ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        // Another response revokes the rule after this one read the group and before its own revoke: EC2 answers NotFound.
        java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor otherResponseFirst = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                if (com.qualisys.controlplane.aws.ApiCallCounter.name(attributes).equals("Ec2.RevokeSecurityGroupIngress") && raced.compareAndSet(false, true)) {
                    revokeWorld.run();
                }
            }
        };
        try (AwsClients racing = local.clients(otherResponseFirst)) {
            var responder = new com.qualisys.controlplane.events.security.SecurityResponder(DEV,
                    com.qualisys.controlplane.events.security.ResourceResolver.of(Map.of(rds, "vpc/security-group/rds")), racing);
            var decision = responder.decide(Samples.with("security/authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)));
            var outcomes = responder.remediate(decision, false);
            assertThat(raced).isTrue();
            assertThat(outcomes.getFirst().status().name()).as("%s", outcomes).isEqualTo("ALREADY_DONE");
            assertThat(outcomes.getFirst().detail()).isEqualTo("the rules were revoked meanwhile on " + rds);
        }
        assertThat(group("rds").ipPermissions()).allSatisfy(p -> assertThat(p.ipRanges()).isEmpty());
    }

    @Test
    void rdsSgOpenedOn5432ToTheInternetAcceptsOnlyK8sNodesAgainAndTheNotificationNamesTheCaller() throws Exception {
        String rds = group("rds").groupId();
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));

        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)).toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(group("rds").ipPermissions()).as("RDS-SG accepts 5432 only from K8s-Nodes-SG (and the control plane's db functions)")
                .singleElement().satisfies(p -> {
                    assertThat(p.fromPort()).isEqualTo(5432);
                    assertThat(p.ipRanges()).isEmpty();
                    assertThat(p.userIdGroupPairs()).extracting(g -> g.groupId())
                            .containsExactlyInAnyOrder(group("k8s-nodes").groupId(), group("db-functions").groupId());
                });
        JsonNode response = run.execution().get("output");
        assertThat(response.at("/finding/who/arn").asText()).isEqualTo(JANE);
        assertThat(response.at("/done/0/status").asText()).isEqualTo("DONE");
        assertThat(response.at("/targetedCheck/logicalIds").toString()).isEqualTo("[\"vpc/security-group/rds\"]");
        assertThat(response.at("/targetedCheck/changesBefore").asInt()).isEqualTo(1);
        assertThat(response.at("/targetedCheck/changesAfter").asInt()).isZero();

        List<AlertInbox.Alert> alerts = inbox.received();
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("[dev] CRITICAL AuthorizeSecurityGroupIngress on vpc/security-group/rds");
            assertThat(a.body())
                    .contains("Who:  " + JANE + " (AssumedRole, principal AROA3EXAMPLEDEVOPS01:jane.doe)")
                    .contains("From: 198.51.100.23")
                    .contains("When: 2024-05-29T14:03:09Z")
                    .contains("What: AuthorizeSecurityGroupIngress on " + rds + " (vpc/security-group/rds): tcp 5432 from 0.0.0.0/0")
                    .contains("revoke tcp 5432 from 0.0.0.0/0 on " + rds + " (vpc/security-group/rds): DONE")
                    .contains("Targeted drift check of vpc/security-group/rds (layer vpc, not the whole account)")
                    .contains("before: 1 change(s)", "~ vpc/security-group/rds (security-group)  [access widened]", "~ ingress:",
                            "- tcp:5432:0.0.0.0/0", "after: as the spec wants it");
        });
    }

    @Test
    void rdsSgOpenedOn5432WhileASecondInternetOpenRuleOn22ExistsHasBothRevokedAndTheNotificationListsEach_was22LeftAlreadyDone()
            throws Exception {
        String rds = group("rds").groupId();
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(22).toPort(22)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));

        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)).toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(group("rds").ipPermissions()).as("no rule of RDS-SG is open to the internet any more")
                .allSatisfy(p -> assertThat(p.ipRanges()).isEmpty());
        JsonNode response = run.execution().get("output");
        assertThat(response.at("/done/0/status").asText()).isEqualTo("DONE");
        assertThat(response.at("/done/0/detail").asText()).isEqualTo("revoked tcp 5432 from 0.0.0.0/0 on " + rds);
        assertThat(response.at("/done/1/step").asText()).isEqualTo("drift check and apply of vpc/security-group/rds");
        assertThat(response.at("/done/1/status").asText()).isEqualTo("DONE");
        assertThat(response.at("/done/1/detail").asText()).isEqualTo("applied UPDATE vpc/security-group/rds (ingress - tcp:22:0.0.0.0/0)");
        assertThat(response.at("/targetedCheck/changesBefore").asInt()).isEqualTo(1);
        assertThat(response.at("/targetedCheck/changesAfter").asInt()).isZero();
        assertThat(inbox.received()).singleElement().satisfies(a -> assertThat(a.body())
                .contains("revoke tcp 5432 from 0.0.0.0/0 on " + rds + " (vpc/security-group/rds): DONE")
                .contains("drift check and apply of vpc/security-group/rds: DONE — applied UPDATE vpc/security-group/rds"
                        + " (ingress - tcp:22:0.0.0.0/0)")
                .contains("- tcp:5432:0.0.0.0/0", "- tcp:22:0.0.0.0/0", "after: as the spec wants it"));
    }

    @Test
    void aDryRunShowsTheRevokeItWouldMakeInAHumanSummaryAndJsonOnlyWithJson_wasJsonOnStdout() throws Exception {
        String rds = group("rds").groupId();
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));

        Cli human = Cli.qualisys("simulate-event", "--env", "dev", "--dry-run", "--emulator", "--endpoint-url", local.endpoint(),
                sample("authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)).toString());
        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.out()).as("a human summary by default, not JSON").startsWith("security-response ")
                .contains(": SUCCEEDED", "Not published: DRY RUN [dev] CRITICAL", "revoke tcp 5432 from 0.0.0.0/0 on " + rds)
                .doesNotContain("\"dryRun\"");

        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--dry-run", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds)).toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode response = run.execution().get("output");
        assertThat(response.get("dryRun").asBoolean()).isTrue();
        assertThat(response.at("/done/0/status").asText()).isEqualTo("PLANNED");
        assertThat(response.at("/done/0/detail").asText()).isEqualTo("would revoke tcp 5432 from 0.0.0.0/0 on " + rds + " (vpc/security-group/rds)");
        assertThat(response.at("/notification/subject").asText()).startsWith("DRY RUN [dev] CRITICAL");
        assertThat(response.get("published").asBoolean()).isFalse();
        assertThat(run.err()).as("--json: no progress lines").isEmpty();
        assertThat(group("rds").ipPermissions()).as("the rule is still there").anySatisfy(p -> assertThat(p.ipRanges()).isNotEmpty());
        assertThat(inbox.received()).isEmpty();
    }

    @Test
    void aRuleTheSpecDeclaresRevokedOutOfBandIsPutBackByATargetedApply() throws Exception {
        String rds = group("rds").groupId();
        String nodes = group("k8s-nodes").groupId();
        observer.ec2().revokeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .userIdGroupPairs(g -> g.groupId(nodes))));

        try (InProcessResponses responses = new InProcessResponses(local, DEV)) {
            ExecutionResult result = responses.run("security-response",
                    input(Samples.with("security/revoke-sg-ingress-rds-from-nodes.json", Map.of("groupId", rds, "peerGroupId", nodes))));

            assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.statesEntered()).containsSubsequence("Classify", "TargetedCheck", "Remediate", "ApplyTargeted", "CheckAgain", "Notify");
            assertThat(group("rds").ipPermissions()).singleElement().satisfies(p -> assertThat(p.userIdGroupPairs())
                    .extracting(g -> g.groupId()).containsExactlyInAnyOrder(nodes, group("db-functions").groupId()));
            // Beside the repair and the notification, the control plane's own state: the event's claim (PutItem), the lease
            // of the targeted apply (PutItem), its fencing check before the one write and its release (UpdateItem).
            assertThat(responses.aws.calls().mutatingByOperation()).containsOnly(
                    Map.entry("Ec2.AuthorizeSecurityGroupIngress", 1), Map.entry("Sns.Publish", 1),
                    Map.entry("DynamoDb.PutItem", 2), Map.entry("DynamoDb.UpdateItem", 2));
            System.out.println("targeted response API calls: " + responses.aws.calls().byOperation());
            assertThat(responses.aws.calls().byOperation().keySet()).as("one layer observed, not the whole account")
                    .allMatch(op -> op.startsWith("Ec2.") || op.startsWith("Iam.") || op.startsWith("Logs.") || op.startsWith("CloudWatchLogs.")
                            || op.startsWith("ElastiCache.") || op.startsWith("Rds.DescribeDBSubnetGroups") || op.startsWith("S3.ListObjectsV2")
                            || op.equals("Sns.Publish") || op.startsWith("DynamoDb.")
                            || op.equals("Sts.GetCallerIdentity") /* the account guard, once, before anything changes */);
            assertThat(result.output().at("/done/0/detail").asText()).isEqualTo("applied UPDATE vpc/security-group/rds (ingress + tcp:5432:sg:k8s-nodes)");
        }
        assertThat(inbox.received()).singleElement().satisfies(a -> assertThat(a.body())
                .contains("MEDIUM", "drift check and apply of vpc/security-group/rds: DONE", "after: as the spec wants it"));
    }

    @Test
    void inProductionTheTargetedCheckReportsTheDriftAndTheRepairWaitsForApproval() throws Exception {
        // Production is another account (one environment = one account): the seed's names repeat there.
        EnvironmentSpec production = TestSpecs.load("production");
        try (AwsClients account = accountOfItsOwn(production.aws().accountId())) {
            new Reconciler(production, account, List.of(new VpcLayer())).apply("vpc", false);
            String rds = group(account, production, "rds").groupId();
            String nodes = group(account, production, "k8s-nodes").groupId();
            account.ec2().revokeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                    .userIdGroupPairs(g -> g.groupId(nodes))));

            // The report bucket as deployed (QUALISYS_REPORT_BUCKET); the response only reads production's overrides/ in it.
            String topic = account.sns().createTopic(r -> r.name("qualisys-control-plane-alerts")).topicArn();
            createLockTable(account, production.state().lockTable());
            AwsClients counted = accountOfItsOwn(production.aws().accountId());
            ControlPlane controlPlane = new ControlPlane(TestSpecs.loader(), s -> counted, Layers.all(),
                    new ControlPlane.Settings(topic, null, production.reportBucket(), production.state().lockTable(), "default"));
            try (InProcessResponses responses = new InProcessResponses(counted, controlPlane)) {
                ObjectNode in = input(Samples.with("security/revoke-sg-ingress-rds-from-nodes.json", Map.of("groupId", rds, "peerGroupId", nodes)));
                in.put("environment", "production");
                ExecutionResult result = responses.run("security-response", in);

                assertThat(result.status()).as(result.error() + ": " + result.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
                assertThat(result.statesEntered()).contains("TargetedCheck").doesNotContain("ApplyTargeted");
                assertThat(result.output().get("policy").asText()).isEqualTo("check");
                assertThat(result.output().at("/done/0/status").asText()).isEqualTo("HANDED_OFF");
                assertThat(result.output().at("/done/0/detail").asText())
                        .isEqualTo("found 1 change(s); repair needs approval: ./qualisys apply --env production --layer vpc");
                assertThat(responses.aws.calls().mutatingByOperation()).as("the notification and the event's claim")
                        .containsOnly(Map.entry("Sns.Publish", 1), Map.entry("DynamoDb.PutItem", 1));
            }
            assertThat(group(account, production, "rds").ipPermissions()).as("nothing repaired without approval").singleElement()
                    .satisfies(p -> assertThat(p.userIdGroupPairs()).extracting(g -> g.groupId()).doesNotContain(nodes));
        }
    }

    /** Clients in another emulated account: moto keeps accounts apart, and AssumeRole into one gives its credentials. */
    private AwsClients accountOfItsOwn(String account) {
        var c = observer.sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + account + ":role/qualisys-test").roleSessionName("test"))
                .credentials();
        return AwsClients.builder().region("us-east-1").endpoint(local.endpoint()).credentials(StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))).build();
    }

    @Test
    void stoppedManagementTrailLogsAgainAndTheTargetedCheckFindsItAsTheSpecWantsIt() throws Exception {
        new Reconciler(DEV, observer, Layers.all()).apply("monitoring", false);
        String trail = DEV.monitoring().cloudTrail().trailName();
        observer.cloudTrail().stopLogging(r -> r.name(trail));

        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--json", "--emulator", "--endpoint-url", local.endpoint(),
                sample("stop-logging.json", Map.of("trailName", trail)).toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(observer.cloudTrail().getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();
        JsonNode response = run.execution().get("output");
        assertThat(response.at("/targetedCheck/logicalIds").toString()).isEqualTo("[\"monitoring/trail/" + trail + "\"]");
        assertThat(response.at("/targetedCheck/changesBefore").asInt()).isEqualTo(1);
        assertThat(response.at("/targetedCheck/changesAfter").asInt()).isZero();
        assertThat(inbox.received()).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("[dev] CRITICAL StopLogging on monitoring/trail/" + trail);
            assertThat(a.body()).contains("Who:  " + JANE, "From: 203.0.113.77", "(StartLogging): DONE", "~ logging: false -> true");
        });
    }

    @Test
    void theControlPlanesOwnCallIsIgnoredWithoutASingleCall() throws Exception {
        String rds = group("rds").groupId();
        try (InProcessResponses responses = new InProcessResponses(local, DEV)) {
            ExecutionResult result = responses.run("security-response",
                    input(Samples.with("security/authorize-sg-ingress-rds-world-by-control-plane.json", Map.of("groupId", rds))));

            assertThat(result.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(result.output().get("ignored").asBoolean()).isTrue();
            assertThat(result.output().get("ignoredBecause").asText()).startsWith("made by the control plane itself");
            assertThat(responses.aws.calls().total()).isZero();
        }
        assertThat(inbox.received()).isEmpty();
    }

    @Test
    void aMalformedEventIsRejectedNamingTheFieldAndNothingIsCalledOrChanged() throws Exception {
        String rds = group("rds").groupId();
        String malformed = Samples.with("security/authorize-sg-ingress-rds-world-5432.json", Map.of("groupId", rds))
                .replace("\"eventTime\": \"2024-05-29T14:03:09Z\"", "\"eventTime\": 1716991389");
        try (InProcessResponses responses = new InProcessResponses(local, DEV)) {
            ExecutionResult result = responses.run("security-response", input(malformed));

            assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(result.error()).isEqualTo("com.qualisys.controlplane.handlers.BadInputException");
            assertThat(result.cause()).isEqualTo("event rejected: detail.eventTime 1716991389 is not a string (it is a number)");
            assertThat(responses.aws.calls().mutatingByOperation().keySet()).as("the notification only, no change")
                    .containsExactly("Sns.Publish");
        }
        assertThat(inbox.received()).as("a rejected event still reaches a person, named by its raw id").singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("QUALISYS dev: security response (event rejected) failed");
            assertThat(a.body()).contains("Event: 77157ead-ab20-6121-80e4-f87b0ecc393d")
                    .contains("event rejected: detail.eventTime 1716991389 is not a string (it is a number)");
        });

        Path file = tmp.resolve("malformed.json");
        Files.writeString(file, malformed);
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));
        Cli run = Cli.qualisys("simulate-event", "--env", "dev", "--emulator", "--endpoint-url", local.endpoint(), file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: event rejected: detail.eventTime 1716991389 is not a string (it is a number); nothing was done");
        assertThat(run.out()).as("no execution was started").isEmpty();
        assertThat(group("rds").ipPermissions()).as("nothing was revoked").anySatisfy(p -> assertThat(p.ipRanges()).isNotEmpty());
        assertThat(inbox.received()).isEmpty();
    }

    /** The lock table as the CDK app deploys it (key lockId, time to live on expiresAt). */
    private static void createLockTable(AwsClients aws, String table) {
        if (aws.dynamoDb().listTables().tableNames().contains(table)) return;
        aws.dynamoDb().createTable(r -> r.tableName(table)
                .keySchema(k -> k.attributeName(ApplyLock.PARTITION_KEY).keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName(ApplyLock.PARTITION_KEY).attributeType("S"))
                .billingMode("PAY_PER_REQUEST"));
    }

    private Path sample(String name, Map<String, String> ids) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, Samples.with("security/" + name, ids));
        return file;
    }

    private static ObjectNode input(String event) throws Exception {
        ObjectNode in = JSON.createObjectNode();
        in.put("environment", "dev");
        in.set("event", JSON.readTree(event));
        return in;
    }

    private SecurityGroup group(String key) {
        return group(observer, DEV, key);
    }

    private static SecurityGroup group(AwsClients aws, EnvironmentSpec spec, String key) {
        return aws.ec2().describeSecurityGroups(r -> r.filters(
                Filter.builder().name("tag:" + Tags.LOGICAL_ID).values("vpc/security-group/" + key).build(),
                Filter.builder().name("tag:" + Tags.ENVIRONMENT).values(spec.environment()).build())).securityGroups().getFirst();
    }
}
