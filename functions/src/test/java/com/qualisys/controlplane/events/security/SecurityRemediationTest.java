package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/** The direct remediations, carried out against the emulator and checked with a separate client. */
class SecurityRemediationTest {
    private final EnvironmentSpec dev = TestSpecs.load("dev");
    private MotoServer moto;
    private AwsClients aws;
    private AwsClients observer;

    @BeforeEach
    void emptyAccount() {
        moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        observer = moto.clients();
    }

    @AfterEach
    void close() {
        aws.close();
        observer.close();
    }

    @Test
    void stoppedManagementTrailLogsAgainAndTheNotificationNamesTheCaller() throws Exception {
        String trail = dev.monitoring().cloudTrail().trailName();
        observer.s3().createBucket(r -> r.bucket(dev.monitoring().cloudTrail().bucket()));
        observer.cloudTrail().createTrail(r -> r.name(trail).s3BucketName(dev.monitoring().cloudTrail().bucket()).isMultiRegionTrail(true));
        observer.cloudTrail().startLogging(r -> r.name(trail));
        observer.cloudTrail().stopLogging(r -> r.name(trail)); // what the event reports
        assertThat(observer.cloudTrail().getTrailStatus(r -> r.name(trail)).isLogging()).isFalse();

        SecurityResponder responder = new SecurityResponder(dev, ResourceResolver.none(), aws);
        String event = Samples.with("security/stop-logging.json", Map.of("trailName", trail));
        SecurityResponder.SecurityResponse response = responder.respond(event);

        assertThat(response.outcomes()).first().satisfies(o -> assertThat(o.status()).isEqualTo(StepOutcome.Status.DONE));
        assertThat(response.outcomes()).last().satisfies(o -> assertThat(o.status()).isEqualTo(StepOutcome.Status.HANDED_OFF));
        assertThat(observer.cloudTrail().getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();
        assertThat(aws.calls().mutatingByOperation()).containsExactly(Map.entry("CloudTrail.StartLogging", 1));
        assertThat(response.notification().subject()).isEqualTo("[dev] CRITICAL StopLogging on monitoring/trail/qualisys-management-trail");
        assertThat(response.notification().body())
                .contains("Who:  arn:aws:sts::123456789012:assumed-role/QualisysDevOpsAdmin/jane.doe (AssumedRole, principal AROA3EXAMPLEDEVOPS01:jane.doe)")
                .contains("From: 203.0.113.77")
                .contains("When: 2024-05-29T14:03:09Z")
                .contains("restart logging of trail arn:aws:cloudtrail:us-east-1:123456789012:trail/qualisys-management-trail (StartLogging): DONE");

        aws.calls().reset();
        SecurityResponder.SecurityResponse again = responder.respond(event);
        assertThat(again.outcomes()).first().satisfies(o -> assertThat(o.status()).isEqualTo(StepOutcome.Status.ALREADY_DONE));
        assertThat(aws.calls().mutating()).isZero();
    }

    /**
     * The loop guard matches the control plane's exact roles: a role someone made with the same name at
     * another path, or the same path and name in another account, is a foreign caller.
     */
    @Test
    void aLookAlikeOfTheControlPlanesRoleStoppingTheTrailIsTreatedAsForeign() throws Exception {
        String trail = dev.monitoring().cloudTrail().trailName();
        observer.s3().createBucket(r -> r.bucket(dev.monitoring().cloudTrail().bucket()));
        observer.cloudTrail().createTrail(r -> r.name(trail).s3BucketName(dev.monitoring().cloudTrail().bucket()).isMultiRegionTrail(true));
        SecurityResponder responder = new SecurityResponder(dev, ResourceResolver.none(), aws);
        String own = "arn:aws:iam::123456789012:role/control-plane/qualisys-control-plane-security-event";
        for (String[] lookAlike : new String[][] {
                {"123456789012", "arn:aws:iam::123456789012:role/qualisys-control-plane-security-event"},
                {"123456789012", "arn:aws:iam::123456789012:role/control-plane/qualisys-control-plane-security-event-2"},
                {"999999999999", "arn:aws:iam::999999999999:role/control-plane/qualisys-control-plane-security-event"}}) {
            observer.cloudTrail().stopLogging(r -> r.name(trail));
            SecurityResponder.SecurityResponse response = responder.respond(calledBy(trail, lookAlike[0], lookAlike[1]));
            assertThat(response.decision().ignored()).as(lookAlike[1]).isFalse();
            assertThat(response.outcomes()).first().satisfies(o -> assertThat(o.status()).isEqualTo(StepOutcome.Status.DONE));
            assertThat(observer.cloudTrail().getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();
            assertThat(response.notification().subject()).isEqualTo("[dev] CRITICAL StopLogging on monitoring/trail/qualisys-management-trail");
        }
        SecurityResponder.SecurityResponse ownCall = responder.respond(calledBy(trail, "123456789012", own));
        assertThat(ownCall.decision().ignored()).as("the control plane's own role").isTrue();
    }

    /** stop-logging.json as called by the role with this ARN, from the given account. */
    private static String calledBy(String trail, String account, String roleArn) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        return Samples.with("security/stop-logging.json", Map.of("trailName", trail))
                .replace("arn:aws:sts::123456789012:assumed-role/QualisysDevOpsAdmin/jane.doe",
                        "arn:aws:sts::" + account + ":assumed-role/" + name + "/qualisys-security-event")
                .replace("arn:aws:iam::123456789012:role/QualisysDevOpsAdmin", roleArn)
                .replace("\"accountId\": \"123456789012\"", "\"accountId\": \"" + account + "\"")
                .replace("\"userName\": \"QualisysDevOpsAdmin\"", "\"userName\": \"" + name + "\"");
    }

    @Test
    void rdsSgAccepts5432OnlyFromK8sNodesAgainAfterSomeoneOpenedItToTheInternet() throws Exception {
        String vpc = observer.ec2().createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
        String nodes = observer.ec2().createSecurityGroup(r -> r.vpcId(vpc).groupName("qualisys-k8s-nodes-sg").description("nodes")).groupId();
        // Tagged as the VPC layer tags what it creates: the security response may only revoke on managed groups.
        String rds = observer.ec2().createSecurityGroup(r -> r.vpcId(vpc).groupName("qualisys-rds-sg").description("rds")
                .tagSpecifications(t -> t.resourceType("security-group").tags(
                        software.amazon.awssdk.services.ec2.model.Tag.builder().key("qualisys:managed-by").value("qualisys-control-plane").build())))
                .groupId();
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .userIdGroupPairs(g -> g.groupId(nodes))));
        observer.ec2().authorizeSecurityGroupIngress(r -> r.groupId(rds).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(x -> x.cidrIp("0.0.0.0/0"))));

        ResourceResolver resolver = ResourceResolver.of(Map.of(rds, "vpc/security-group/rds", nodes, "vpc/security-group/k8s-nodes"));
        SecurityResponder responder = new SecurityResponder(dev, resolver, aws);
        Map<String, String> ids = new HashMap<>(SecurityEventClassifierTest.IDS);
        ids.put("groupId", rds);
        String event = Samples.with("security/authorize-sg-ingress-rds-world-5432.json", ids);
        SecurityResponder.SecurityResponse response = responder.respond(event);

        assertThat(response.outcomes()).first().satisfies(o -> {
            assertThat(o.status()).isEqualTo(StepOutcome.Status.DONE);
            assertThat(o.detail()).isEqualTo("revoked tcp 5432 from 0.0.0.0/0 on " + rds);
        });
        List<IpPermission> ingress = group(rds).ipPermissions();
        assertThat(ingress).singleElement().satisfies(p -> {
            assertThat(p.fromPort()).isEqualTo(5432);
            assertThat(p.ipRanges()).isEmpty();
            assertThat(p.userIdGroupPairs()).extracting(g -> g.groupId()).containsExactly(nodes);
        });
        assertThat(response.notification().body()).contains("jane.doe", "revoke tcp 5432 from 0.0.0.0/0 on " + rds);

        aws.calls().reset();
        assertThat(responder.respond(event).outcomes()).first()
                .satisfies(o -> assertThat(o.status()).isEqualTo(StepOutcome.Status.ALREADY_DONE));
        assertThat(aws.calls().mutating()).isZero();
    }

    @Test
    void anIgnoredEventMakesNoCallAtAll() throws Exception {
        SecurityResponder responder = new SecurityResponder(dev, ResourceResolver.none(), aws);
        SecurityResponder.SecurityResponse r = responder.respond(Samples.text("security/delete-trail-access-denied.json"));
        assertThat(r.decision().ignored()).isTrue();
        assertThat(r.notification()).isNull();
        assertThat(aws.calls().total()).isZero();
    }

    private SecurityGroup group(String id) {
        return observer.ec2().describeSecurityGroups(r -> r.groupIds(id)).securityGroups().getFirst();
    }
}
