package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Documented CloudTrail-through-EventBridge samples, classified and decided against the repo's specs (no I/O). */
class SecurityEventClassifierTest {
    static final Map<String, String> IDS = Map.of(
            "groupId", "sg-0a1b2c3d4e5f60001", "peerGroupId", "sg-0a1b2c3d4e5f60002", "networkAclId", "acl-0a1b2c3d4e5f60003",
            "routeTableId", "rtb-0a1b2c3d4e5f60004", "flowLogId", "fl-0a1b2c3d4e5f60005",
            "keyId", "1234abcd-12ab-34cd-56ef-1234567890ab", "trailName", "qualisys-management-trail");
    static final ResourceResolver RESOLVER = ResourceResolver.of(Map.of(
            "sg-0a1b2c3d4e5f60002", "vpc/security-group/k8s-nodes",
            "acl-0a1b2c3d4e5f60003", "vpc/network-acl/database",
            "rtb-0a1b2c3d4e5f60004", "vpc/route-table/database",
            "fl-0a1b2c3d4e5f60005", "vpc/flow-log/qualisys-vpc",
            "1234abcd-12ab-34cd-56ef-1234567890ab", "rds/kms-key/qualisys-rds"));

    private final EnvironmentSpec dev = TestSpecs.load("dev");
    private final EnvironmentSpec production = TestSpecs.load("production");

    static ResourceResolver groupIs(String key) {
        return id -> id.equals("sg-0a1b2c3d4e5f60001") ? java.util.Optional.of("vpc/security-group/" + key) : RESOLVER.logicalId(id);
    }

    static SecurityDecision decide(EnvironmentSpec spec, ResourceResolver resolver, String sample) throws EventParseException {
        return new SecurityResponder(spec, resolver, null).decide(Samples.with("security/" + sample, IDS));
    }

    @Test
    void rdsSgOpenedToTheInternetOn5432IsCriticalAndTheOffendingRuleIsRevokedNamingTheCaller() throws Exception {
        SecurityDecision d = decide(dev, groupIs("rds"), "authorize-sg-ingress-rds-world-5432.json");
        SecurityFinding f = d.finding();
        assertThat(f.securityClass()).isEqualTo(SecurityClass.SECURITY_GROUPS);
        assertThat(f.layer()).isEqualTo("vpc");
        assertThat(f.logicalId()).isEqualTo("vpc/security-group/rds");
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.who().arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/QualisysDevOpsAdmin/jane.doe");
        assertThat(f.who().principalId()).isEqualTo("AROA3EXAMPLEDEVOPS01:jane.doe");
        assertThat(f.sourceIpAddress()).isEqualTo("198.51.100.23");
        assertThat(f.when()).hasToString("2024-05-29T14:03:09Z");
        assertThat(f.what()).contains("AuthorizeSecurityGroupIngress", "tcp 5432 from 0.0.0.0/0");
        assertThat(d.policy()).isEqualTo("remediate");
        assertThat(d.steps()).hasSize(2);
        assertThat(d.steps().getFirst()).isInstanceOfSatisfying(RemediationStep.RevokeSecurityGroupRules.class, r -> {
            assertThat(r.groupId()).isEqualTo("sg-0a1b2c3d4e5f60001");
            assertThat(r.rules()).extracting(IpRule::display).containsExactly("tcp 5432 from 0.0.0.0/0");
        });
        // Then the whole group is repaired: other drift of it (a second internet-open rule) goes too.
        assertThat(d.steps().get(1)).isEqualTo(new RemediationStep.DriftCheck("vpc", "vpc/security-group/rds", true));
    }

    @Test
    void productionOnlyChecksTheSameOpeningAndLeavesTheRepairToApproval() throws Exception {
        SecurityDecision d = decide(production, groupIs("rds"), "authorize-sg-ingress-rds-world-5432.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.policy()).isEqualTo("check");
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("vpc", "vpc/security-group/rds", false));
    }

    @Test
    void albSgAccepting443FromTheInternetMatchesTheSeedAndIsLowWithNoStep() throws Exception {
        SecurityDecision d = decide(dev, groupIs("alb"), "authorize-sg-ingress-alb-https.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.LOW);
        assertThat(d.finding().severityReason()).contains("declared in the spec");
        assertThat(d.steps()).isEmpty();
        assertThat(d.shouldNotify()).isTrue();
    }

    @Test
    void opening443OnRdsSgIsStillCriticalBecauseRdsSgIsNeverInternetFacing() throws Exception {
        SecurityDecision d = decide(dev, groupIs("rds"), "authorize-sg-ingress-alb-https.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.steps()).first().isInstanceOf(RemediationStep.RevokeSecurityGroupRules.class);
        assertThat(d.steps()).last().isEqualTo(new RemediationStep.DriftCheck("vpc", "vpc/security-group/rds", true));
    }

    @Test
    void theControlPlanesOwnCallsAreIgnoredSoItNeverLoopsOnItself() throws Exception {
        SecurityDecision d = decide(dev, groupIs("rds"), "authorize-sg-ingress-rds-world-by-control-plane.json");
        assertThat(d.ignored()).isTrue();
        assertThat(d.finding().ignoredBecause()).contains("made by the control plane itself");
        assertThat(d.steps()).isEmpty();
        assertThat(d.shouldNotify()).isFalse();
    }

    @Test
    void failedCallsAreIgnored() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "delete-trail-access-denied.json");
        assertThat(d.ignored()).isTrue();
        assertThat(d.finding().ignoredBecause()).contains("the call failed (AccessDenied)");
    }

    @Test
    void aSecurityGroupTheEnvironmentDoesNotManageIsIgnored() throws Exception {
        SecurityDecision d = decide(dev, ResourceResolver.none(), "authorize-sg-ingress-rds-world-5432.json");
        assertThat(d.ignored()).isTrue();
        assertThat(d.finding().ignoredBecause()).isEqualTo("security group sg-0a1b2c3d4e5f60001 is not a resource this environment manages");
    }

    @Test
    void revokingTheDeclaredRuleFromK8sNodesToRdsIsMediumAndRepairedByDriftCheckAndApply() throws Exception {
        SecurityDecision d = decide(dev, groupIs("rds"), "revoke-sg-ingress-rds-from-nodes.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.MEDIUM);
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("vpc", "vpc/security-group/rds", true));
    }

    @Test
    void sshFromTheInternetOnK8sNodesViaModifySecurityGroupRulesIsCriticalAndAppliedByDriftCheck() throws Exception {
        SecurityDecision d = decide(dev, groupIs("k8s-nodes"), "modify-sg-rules-k8s-nodes-ssh-world.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().what()).contains("tcp 22 from 0.0.0.0/0");
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("vpc", "vpc/security-group/k8s-nodes", true));
    }

    @Test
    void stopLoggingOnTheManagementTrailIsCriticalAndAnsweredWithStartLogging() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "stop-logging.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().logicalId()).isEqualTo("monitoring/trail/qualisys-management-trail");
        assertThat(d.finding().sourceIpAddress()).isEqualTo("203.0.113.77");
        assertThat(d.steps()).containsExactly(new RemediationStep.StartLogging(
                "arn:aws:cloudtrail:us-east-1:123456789012:trail/qualisys-management-trail"),
                new RemediationStep.DriftCheck("monitoring", "monitoring/trail/qualisys-management-trail", true));
    }

    @Test
    void eventSelectorsChangedIsHighAndTheTrailIsDriftCheckedAndApplied() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "put-event-selectors.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.HIGH);
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("monitoring", "monitoring/trail/qualisys-management-trail", true));
    }

    @Test
    void deletedFlowLogsAreCritical() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "delete-flow-logs.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().logicalId()).isEqualTo("vpc/flow-log/qualisys-vpc");
    }

    @Test
    void anInternetRouteInTheIsolatedDatabaseTierIsCritical() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "create-route-database-igw.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().what()).contains("0.0.0.0/0 via igw-0a9b8c7d6e5f40312");
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("vpc", "vpc/route-table/database", true));
    }

    @Test
    void aDatabaseNaclEntryAllowingTheInternetIsCritical() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "create-network-acl-entry-database-world.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().what()).contains("rule 90 inbound allow 0.0.0.0/0");
    }

    @Test
    void aForeignAccountInTheCicdTrustPolicyIsHighAndTheRoleIsRepairedWithoutEchoingThePolicy() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "update-assume-role-policy-cicd.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.HIGH);
        assertThat(d.finding().logicalId()).isEqualTo("iam/role/QualisysCICD");
        assertThat(d.finding().request().get("policyDocument")).asString().startsWith("<policy document,");
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("iam", "iam/role/QualisysCICD", true));
    }

    @Test
    void administratorAccessOnTheDeveloperRoleIsCritical() throws Exception {
        assertThat(decide(dev, RESOLVER, "attach-role-policy-admin.json").finding().severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void aRootAccessKeyIsCriticalButOnlyNotified() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "create-access-key-root.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().who().type()).isEqualTo("Root");
        assertThat(d.policy()).isEqualTo("notify");
        assertThat(d.steps()).isEmpty();
        assertThat(d.shouldNotify()).isTrue();
    }

    @Test
    void aKmsKeyScheduledForDeletionIsCriticalInTheLayerThatOwnsIt() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "schedule-key-deletion.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().layer()).isEqualTo("rds");
        assertThat(d.finding().logicalId()).isEqualTo("rds/kms-key/qualisys-rds");
    }

    @Test
    void turningOffAuditLoggingOfTheClusterIsHigh() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "update-cluster-config-logging-off.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.HIGH);
        assertThat(d.finding().severityReason()).isEqualTo("disables control-plane logging of audit, authenticator");
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("eks", "eks/cluster/qualisys-eks", true));
    }

    @Test
    void aPubliclyAccessibleDatabaseIsCriticalAndItsPasswordNeverAppears() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "modify-db-instance-public.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().request()).containsEntry("masterUserPassword", Redaction.REDACTED);
        assertThat(d.steps()).containsExactly(new RemediationStep.DriftCheck("rds", "rds/db-instance/qualisys-db", true));
    }

    @Test
    void deletingTheTrailBucketPolicyIsCritical() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "delete-bucket-policy-trail.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(d.finding().logicalId()).isEqualTo("monitoring/bucket/qualisys-cloudtrail-logs-dev");
    }

    @Test
    void aResourcePolicyOnTheMasterSecretIsHighAndFoundByItsArn() throws Exception {
        SecurityDecision d = decide(dev, RESOLVER, "put-resource-policy-master-secret.json");
        assertThat(d.finding().severity()).isEqualTo(Severity.HIGH);
        assertThat(d.finding().logicalId()).isEqualTo("rds/secret/master");
        assertThat(d.finding().request().get("resourcePolicy")).asString().startsWith("<policy document");
    }

    @Test
    void aClassSetToNotifyInTheSpecGetsNoStepEvenWithAutoRemediate() throws Exception {
        EnvironmentSpec spec = withSecurityPolicy(dev, Map.of("audit-logging", "notify"));
        SecurityDecision d = new SecurityResponder(spec, RESOLVER, null).decide(Samples.with("security/stop-logging.json", IDS));
        assertThat(d.policy()).isEqualTo("notify");
        assertThat(d.steps()).isEmpty();
    }

    @Test
    void aClassCannotBeRaisedAboveTheAutoRemediateSwitch() {
        EnvironmentSpec spec = withSecurityPolicy(production, Map.of("audit-logging", "remediate"));
        assertThat(new RemediationPolicy(spec.responses()).policyFor(SecurityClass.AUDIT_LOGGING)).isEqualTo("check");
    }

    @Test
    void aPayloadThatIsNotACloudTrailEventIsRejectedNamingTheField() {
        String anomaly = Samples.text("anomaly/eventbridge-event.json");
        assertThatThrownBy(() -> new SecurityResponder(dev, RESOLVER, null).decide(anomaly))
                .isInstanceOf(EventParseException.class)
                .hasMessage("detail-type \"Anomaly Detected\" is not \"AWS API Call via CloudTrail\"");
        String wrongType = Samples.with("security/stop-logging.json", IDS).replace("\"eventTime\": \"2024-05-29T14:03:09Z\"", "\"eventTime\": 1716991389");
        assertThatThrownBy(() -> new SecurityResponder(dev, RESOLVER, null).decide(wrongType))
                .isInstanceOf(EventParseException.class)
                .hasMessage("detail.eventTime 1716991389 is not a string (it is a number)");
        String badGroup = Samples.with("security/authorize-sg-ingress-rds-world-5432.json", IDS).replace("\"fromPort\": 5432", "\"fromPort\": \"all\"");
        assertThatThrownBy(() -> new SecurityResponder(dev, groupIs("rds"), null).decide(badGroup))
                .isInstanceOf(EventParseException.class)
                .hasMessage("detail.requestParameters.ipPermissions.items[0].fromPort \"all\" is not an integer (it is a string)");
    }

    static EnvironmentSpec withSecurityPolicy(EnvironmentSpec s, Map<String, String> security) {
        var r = s.responses();
        var responses = new com.qualisys.controlplane.spec.ResponsesSpec(r.autoRemediate(), r.budgetLadder(),
                r.anomalyStartsDriftCheck(), r.controlPlaneRolePath(), security, r.distinctApprover());
        return new EnvironmentSpec(s.environment(), s.aws(), s.state(), s.account(), s.iam(), s.monitoring(), s.vpc(), s.eks(),
                s.rds(), s.kubernetes(), responses, s.drift());
    }
}
