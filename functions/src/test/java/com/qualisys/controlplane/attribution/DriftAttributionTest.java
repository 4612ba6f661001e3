package com.qualisys.controlplane.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.PlanLayerHandler;
import com.qualisys.controlplane.handlers.ReportHandler;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * A drift report names who changed each drifted resource: the drift check's Report function
 * scans CloudTrail (the local AWS's emulated trail) once, since the last clean check, and matches
 * the events to the drifted resources by id. A second IAM user, with its own access key, changes a
 * subnet; the control plane's own credentials change another; the report tells them apart.
 */
class DriftAttributionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static LocalAws local;
    private static AwsClients aws;
    private static ControlPlane controlPlane;

    @BeforeAll
    static void provisionedAndCheckedClean() {
        local = LocalAws.shared();
        local.reset();
        aws = local.clients();
        aws.s3().createBucket(r -> r.bucket(SPEC.reportBucket()));
        controlPlane = new ControlPlane(TestSpecs.loader(), s -> aws, List.of(new VpcLayer()),
                new ControlPlane.Settings(null, null, null, null, null));
        new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
        assertThat(driftCheck().get("drift")).isEqualTo(false);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void aChangeByAnotherIamUserIsReportedAsTheirsWithTheCallAndTheTimeAndTheControlPlanesOwnIsLabelled() throws Exception {
        Instant cleanCheck = new ReportStore(aws.s3(), SPEC.reportBucket()).lastCleanCheck("dev").orElseThrow();
        aws.iam().createUser(r -> r.userName("mallory"));
        AccessKey key = aws.iam().createAccessKey(r -> r.userName("mallory")).accessKey();
        Instant before = Instant.now();
        try (AwsClients mallory = AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .build()) {
            mallory.ec2().modifySubnetAttribute(r -> r.subnetId(subnet("private-a")).mapPublicIpOnLaunch(v -> v.value(true)));
        }
        aws.ec2().deleteTags(r -> r.resources(subnet("public-a")).tags(t -> t.key("kubernetes.io/role/elb")));
        Instant after = Instant.now();

        aws.calls().reset();
        Map<String, Object> out = driftCheck();
        assertThat(out.get("drift")).isEqualTo(true);
        // One scan: a single page of LookupEvents for every drifted resource, and one GetCallerIdentity.
        assertThat(aws.calls().byOperation()).containsEntry("CloudTrail.LookupEvents", 1).containsEntry("Sts.GetCallerIdentity", 1);

        JsonNode report = JSON.readTree(new ReportStore(aws.s3(), SPEC.reportBucket()).latestJson("dev").orElseThrow());
        JsonNode byMallory = change(report, "vpc/subnet/private-a").get("changedBy");
        assertThat(byMallory.get("who").asText()).isEqualTo("arn:aws:iam::" + aws.accountId() + ":user/mallory");
        assertThat(byMallory.get("eventName").asText()).isEqualTo("ModifySubnetAttribute");
        assertThat(Instant.parse(byMallory.get("eventTime").asText())).isBetween(before, after).isAfter(cleanCheck);
        assertThat(byMallory.get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(byMallory.get("byControlPlane").asBoolean()).isFalse();

        JsonNode bySelf = change(report, "vpc/subnet/public-a").get("changedBy");
        assertThat(bySelf.get("eventName").asText()).isEqualTo("DeleteTags");
        assertThat(bySelf.get("byControlPlane").asBoolean()).isTrue();

        String markdown = new ReportStore(aws.s3(), SPEC.reportBucket()).latestMarkdown("dev").orElseThrow();
        assertThat(markdown).contains("| `vpc/subnet/private-a` | `arn:aws:iam::" + aws.accountId() + ":user/mallory` | `ModifySubnetAttribute` | ")
                .contains("| `vpc/subnet/public-a` | the control plane (");
        assertThat((String) out.get("summary")).contains("changed by arn:aws:iam::" + aws.accountId() + ":user/mallory, ModifySubnetAttribute at ");
    }

    private static String subnet(String name) {
        return aws.ec2().describeSubnets(r -> r.filters(Filter.builder().name("tag:qualisys:logical-id").values("vpc/subnet/" + name).build()))
                .subnets().getFirst().subnetId();
    }

    private static JsonNode change(JsonNode report, String logicalId) {
        for (JsonNode layer : report.get("layers")) {
            for (JsonNode c : layer.get("changes")) if (c.get("logicalId").asText().equals(logicalId)) return c;
        }
        throw new AssertionError("no change for " + logicalId + " in " + report);
    }

    /** The drift-check state machine's two steps for the vpc layer: PlanLayer (kind drift), then Report. */
    private static Map<String, Object> driftCheck() {
        Map<String, Object> plan = new PlanLayerHandler(controlPlane).handleRequest(
                Map.of("environment", "dev", "layer", "vpc", "kind", "drift"), null);
        return new ReportHandler(controlPlane).handleRequest(
                Map.of("kind", "drift", "environment", "dev", "layers", List.of(plan)), null);
    }
}
