package com.qualisys.controlplane.layers.rds;

import static com.qualisys.controlplane.layers.LayerHarness.change;
import static com.qualisys.controlplane.layers.LayerHarness.difference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.ApprovalRequiredException;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.LayerHarness;
import com.qualisys.controlplane.layers.Prerequisites;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import com.qualisys.controlplane.layers.EmulatedAccount;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * The RDS layer (dev) against moto with LocalAws's documented-shape stubs, applied once; each drift test changes
 * something out of band, checks the report, repairs, and leaves the layer converged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RdsLayerTest {
    static final String DB = "qualisys-db";
    static final ObjectMapper JSON = new ObjectMapper();
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final LocalAws local = LocalAws.shared();
    AwsClients aws;
    AwsClients outOfBand;
    LayerHarness rds;
    Prerequisites prerequisites;
    Reconciler.ApplyResult firstApply;

    @BeforeAll
    void applyOnce() {
        EmulatedAccount account = EmulatedAccount.fresh();
        aws = account.clients();
        outOfBand = account.clients();
        try (AwsClients setup = account.clients()) {
            prerequisites = Prerequisites.create(setup, spec);
        }
        rds = new LayerHarness(spec, aws, new RdsLayer());
        firstApply = rds.apply();
    }

    @AfterAll
    void close() {
        aws.close();
        outOfBand.close();
    }

    @Test
    @Order(1)
    void applyCreatesTheInstanceAsTheSeedDescribesIt() {
        assertThat(firstApply.isComplete()).isTrue();
        DBInstance db = instance();
        assertThat(db.engine()).isEqualTo("postgres");
        assertThat(db.engineVersion()).isEqualTo("15.10");
        assertThat(db.dbName()).isEqualTo("qualisys_master");
        assertThat(db.dbInstanceClass()).isEqualTo("db.t3.medium");
        assertThat(db.multiAZ()).isFalse();
        assertThat(db.deletionProtection()).isFalse();
        assertThat(db.storageType()).isEqualTo("gp3");
        assertThat(db.allocatedStorage()).isEqualTo(20);
        assertThat(db.maxAllocatedStorage()).isEqualTo(100);
        assertThat(db.storageEncrypted()).isTrue();
        assertThat(db.backupRetentionPeriod()).isEqualTo(7);
        assertThat(db.preferredBackupWindow()).isEqualTo("03:00-04:00");
        assertThat(db.preferredMaintenanceWindow()).isEqualTo("sun:04:00-sun:05:00");
        assertThat(db.performanceInsightsEnabled()).isTrue();
        assertThat(db.performanceInsightsRetentionPeriod()).isEqualTo(7);
        assertThat(db.monitoringInterval()).isEqualTo(60);
        assertThat(db.monitoringRoleArn()).isEqualTo(aws.iam().getRole(r -> r.roleName("qualisys-rds-enhanced-monitoring")).role().arn());
        assertThat(db.publiclyAccessible()).isFalse();
        assertThat(db.vpcSecurityGroups()).extracting(g -> g.vpcSecurityGroupId())
                .containsExactly(prerequisites.physicalIds.get("vpc/security-group/rds"));
        assertThat(db.dbSubnetGroup().dbSubnetGroupName()).isEqualTo("qualisys-db-subnet-group");
        assertThat(db.dbParameterGroups()).extracting(g -> g.dbParameterGroupName()).containsExactly("qualisys-postgres15");

        String keyArn = db.kmsKeyId();
        assertThat(aws.kms().getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        assertThat(aws.kms().listAliases(r -> r.keyId(keyArn)).aliases()).extracting(a -> a.aliasName()).contains("alias/qualisys-rds");
        assertThat(aws.iam().listAttachedRolePolicies(r -> r.roleName("qualisys-rds-enhanced-monitoring")).attachedPolicies())
                .extracting(p -> p.policyArn()).containsExactly("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
    }

    @Test
    @Order(2)
    void theParameterGroupHoldsTheSeedsValues() {
        List<Parameter> params = aws.rds().describeDBParametersPaginator(r -> r.dbParameterGroupName("qualisys-postgres15").source("user"))
                .parameters().stream().toList();
        assertThat(params).extracting(Parameter::parameterName, Parameter::parameterValue).contains(
                org.assertj.core.groups.Tuple.tuple("max_connections", "200"),
                org.assertj.core.groups.Tuple.tuple("work_mem", "65536"),
                org.assertj.core.groups.Tuple.tuple("maintenance_work_mem", "524288"),
                org.assertj.core.groups.Tuple.tuple("pg_stat_statements.track", "all"),
                org.assertj.core.groups.Tuple.tuple("log_min_duration_statement", "1000"),
                org.assertj.core.groups.Tuple.tuple("row_security", "1"));
    }

    @Test
    @Order(3)
    void bothSecretsAreKmsEncryptedAndTheInstanceGotTheMasterSecretsPassword() throws Exception {
        String keyArn = instance().kmsKeyId();
        var master = aws.secretsManager().describeSecret(r -> r.secretId("qualisys/database/master"));
        var connection = aws.secretsManager().describeSecret(r -> r.secretId("qualisys/database/connection"));
        assertThat(master.kmsKeyId()).isEqualTo(keyArn);
        assertThat(connection.kmsKeyId()).isEqualTo(keyArn);

        JsonNode m = secret("qualisys/database/master");
        assertThat(m.path("username").asText()).isEqualTo("qualisys_admin");
        // What db-init and rotation connect with: the RDS credentials shape, host included.
        assertThat(m.path("host").asText()).as("master secret host").isEqualTo(instance().endpoint().address());
        assertThat(m.path("port").asInt()).isEqualTo(5432);
        assertThat(m.path("dbname").asText()).isEqualTo("qualisys_master");
        assertThat(m.path("password").asText()).hasSize(32);
        assertThat(local.rds().masterPasswordSent(DB)).as("the password CreateDBInstance carried").isEqualTo(m.path("password").asText());
    }

    @Test
    @Order(4)
    void theConnectionSecretHoldsAppUserAndAUriThatRequiresTls() throws Exception {
        JsonNode c = secret("qualisys/database/connection");
        DBInstance db = instance();
        assertThat(c.path("host").asText()).isEqualTo(db.endpoint().address());
        assertThat(c.path("port").asInt()).isEqualTo(5432);
        assertThat(c.path("dbname").asText()).isEqualTo("qualisys_master");
        assertThat(c.path("username").asText()).isEqualTo("app_user");
        String password = c.path("password").asText();
        assertThat(password).hasSize(32).isNotEqualTo(secret("qualisys/database/master").path("password").asText());
        assertThat(c.path("connection_uri").asText()).isEqualTo("postgresql://app_user:" + password + "@" + db.endpoint().address()
                + ":5432/qualisys_master?sslmode=require");
    }

    @Test
    @Order(5)
    void aSecondApplyMakesNoMutatingCallAndDriftReportsNone() {
        assertThat(rds.mutatingCallsOfApply()).isEmpty();
        aws.calls().reset();
        assertThat(rds.drift().isEmpty()).isTrue();
        // The cost of a drift check: instance, parameter group and secrets by name or one tag filter; the two
        // secret values, plus the lookup of the VPC/IAM resources while those layers are absent.
        assertThat(aws.calls().total()).as("read calls of a drift check: %s", aws.calls().byOperation()).isLessThanOrEqualTo(18);
        assertThat(aws.calls().mutating()).isZero();
    }

    @Test
    @Order(9)
    void aMasterSecretHostChangedOutOfBandIsReportedAndPointedBackAtTheInstance() throws Exception {
        var m = (com.fasterxml.jackson.databind.node.ObjectNode) secret("qualisys/database/master");
        m.put("host", "attacker.example.com");
        outOfBand.secretsManager().putSecretValue(r -> r.secretId("qualisys/database/master").secretString(m.toString()));
        Plan drift = rds.drift();
        assertThat(difference(drift, "rds/secret/master", "fields.host")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo("(the instance's endpoint)");
            assertThat(d.actual()).isEqualTo("attacker.example.com");
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("SecretsManager.PutSecretValue");
        assertThat(secret("qualisys/database/master").path("host").asText()).isEqualTo(instance().endpoint().address());
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(10)
    void aParameterValueChangedOutOfBandIsReportedAndSetBack() {
        outOfBand.rds().modifyDBParameterGroup(r -> r.dbParameterGroupName("qualisys-postgres15")
                .parameters(Parameter.builder().parameterName("work_mem").parameterValue("4096").applyMethod("immediate").build()));
        Plan drift = rds.drift();
        assertThat(difference(drift, "rds/parameter-group/qualisys-postgres15", "parameters.work_mem")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo("65536");
            assertThat(d.actual()).isEqualTo("4096");
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("Rds.ModifyDBParameterGroup");
        assertThat(outOfBand.rds().describeDBParametersPaginator(r -> r.dbParameterGroupName("qualisys-postgres15")).parameters().stream()
                .filter(p -> p.parameterName().equals("work_mem")).map(Parameter::parameterValue)).as("work_mem, read back").containsExactly("65536");
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(11)
    void backupRetentionLoweredOutOfBandIsReportedAndRaisedBack() {
        outOfBand.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).backupRetentionPeriod(1).applyImmediately(true));
        Plan drift = rds.drift();
        assertThat(difference(drift, "rds/db-instance/qualisys-db", "backupRetentionDays")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(7);
            assertThat(d.actual()).isEqualTo(1);
        });
        assertThat(change(drift, "rds/db-instance/qualisys-db").orElseThrow().action()).isEqualTo(Action.UPDATE);
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("Rds.ModifyDBInstance");
        assertThat(instance().backupRetentionPeriod()).isEqualTo(7);
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(12)
    void aSecretsKmsKeyChangedOutOfBandIsReportedAndPutBack() {
        String other = outOfBand.kms().createKey(r -> r.description("someone else's key")).keyMetadata().arn();
        outOfBand.secretsManager().updateSecret(r -> r.secretId("qualisys/database/master").kmsKeyId(other));
        Plan drift = rds.drift();
        assertThat(difference(drift, "rds/secret/master", "kmsKey")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo("ref:rds/kms-key/database");
            assertThat(d.actual()).isEqualTo(other);
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("SecretsManager.UpdateSecret");
        assertThat(aws.secretsManager().describeSecret(r -> r.secretId("qualisys/database/master")).kmsKeyId()).isEqualTo(instance().kmsKeyId());
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(13)
    void performanceInsightsSwitchedOffIsReportedAndSwitchedBackOn() {
        outOfBand.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).enablePerformanceInsights(false).applyImmediately(true));
        assertThat(difference(rds.drift(), "rds/db-instance/qualisys-db", "performanceInsights.enabled"))
                .contains(new com.qualisys.controlplane.engine.Difference("performanceInsights.enabled", true, false));
        rds.apply();
        assertThat(instance().performanceInsightsEnabled()).isTrue();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(13)
    void iamAuthenticationSwitchedOnOutOfBandIsReportedAndSwitchedOff() {
        outOfBand.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).enableIAMDatabaseAuthentication(true).applyImmediately(true));
        assertThat(difference(rds.drift(), "rds/db-instance/qualisys-db", "iamDatabaseAuthentication")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(false);
            assertThat(d.actual()).isEqualTo(true);
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("Rds.ModifyDBInstance");
        assertThat(instance().iamDatabaseAuthenticationEnabled()).isFalse();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(13)
    void aLogExportAddedOutOfBandIsReportedAndRemoved() {
        outOfBand.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).applyImmediately(true)
                .cloudwatchLogsExportConfiguration(c -> c.enableLogTypes("postgresql")));
        assertThat(difference(rds.drift(), "rds/db-instance/qualisys-db", "logExports")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(List.of());
            assertThat(d.actual()).isEqualTo(List.of("postgresql"));
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("Rds.ModifyDBInstance");
        assertThat(instance().enabledCloudwatchLogsExports()).isEmpty();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(14)
    void aConnectionSecretThatLostItsPasswordIsRepairedAndNoReportEverShowsAPassword() throws Exception {
        String masterPassword = secret("qualisys/database/master").path("password").asText();
        var broken = (com.fasterxml.jackson.databind.node.ObjectNode) secret("qualisys/database/connection");
        String oldPassword = broken.path("password").asText();
        broken.remove("password");
        outOfBand.secretsManager().putSecretValue(r -> r.secretId("qualisys/database/connection").secretString(broken.toString()));

        Plan drift = rds.drift();
        assertThat(difference(drift, "rds/secret/connection", "fields.password")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo("(secret)");
            assertThat(d.actual()).isNull();
        });
        assertThat(difference(drift, "rds/secret/connection", "fields.connection_uri")).hasValueSatisfying(d ->
                assertThat(String.valueOf(d.actual())).startsWith("(secret)"));
        String report = LayerHarness.rendered(drift);
        assertThat(report).contains("(secret)").doesNotContain(oldPassword).doesNotContain(masterPassword);

        rds.apply();
        JsonNode repaired = secret("qualisys/database/connection");
        String password = repaired.path("password").asText();
        assertThat(password).hasSize(32);
        assertThat(repaired.path("connection_uri").asText()).contains(":" + password + "@").endsWith("?sslmode=require");
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(15)
    void theMasterSecretDeletedOutOfBandIsRestoredWithItsPasswordNotRegenerated() throws Exception {
        String password = secret("qualisys/database/master").path("password").asText();
        outOfBand.secretsManager().deleteSecret(r -> r.secretId("qualisys/database/master").recoveryWindowInDays(7L));
        assertThat(difference(rds.drift(), "rds/secret/master", "scheduledForDeletion"))
                .contains(new com.qualisys.controlplane.engine.Difference("scheduledForDeletion", false, true));

        Reconciler.ApplyResult restored = rds.apply();
        assertThat(restored.pending()).extracting(p -> p.change().logicalId()).containsExactly("rds/secret/master");
        assertThat(rds.apply().isComplete()).isTrue();
        assertThat(secret("qualisys/database/master").path("password").asText()).isEqualTo(password);
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(16)
    void theInstanceParameterGroupSecretRoleAndKeyWhoseIdentityTagsWereRemovedAreFoundReportedAndTaggedAgainNotDuplicated() throws Exception {
        List<String> identity = List.of("qualisys:environment", "qualisys:logical-id", "qualisys:managed-by");
        DBInstance db = instance();
        String groupArn = aws.rds().describeDBParameterGroups(r -> r.dbParameterGroupName("qualisys-postgres15")).dbParameterGroups()
                .getFirst().dbParameterGroupArn();
        String secretArn = aws.secretsManager().describeSecret(r -> r.secretId("qualisys/database/connection")).arn();
        String password = secret("qualisys/database/connection").path("password").asText();
        outOfBand.rds().removeTagsFromResource(r -> r.resourceName(db.dbInstanceArn()).tagKeys(identity));
        outOfBand.rds().removeTagsFromResource(r -> r.resourceName(groupArn).tagKeys(identity));
        outOfBand.secretsManager().untagResource(r -> r.secretId(secretArn).tagKeys(identity));
        outOfBand.iam().untagRole(r -> r.roleName("qualisys-rds-enhanced-monitoring").tagKeys(identity));
        outOfBand.kms().untagResource(r -> r.keyId(db.kmsKeyId()).tagKeys(identity));

        int roles = aws.iam().listRoles().roles().size();

        Plan drift = rds.drift();
        // The monitoring role is found by its name (the one IAM role kind), like the others by theirs.
        List<String> lost = List.of("rds/db-instance/" + DB, "rds/parameter-group/qualisys-postgres15", "rds/secret/connection",
                "rds/kms-key/database", "rds/role/qualisys-rds-enhanced-monitoring");
        assertThat(drift.changes()).extracting(com.qualisys.controlplane.engine.Change::logicalId)
                .containsExactlyInAnyOrderElementsOf(lost);
        LayerHarness.assertOnlyIdentityTagsRemoved(drift, lost);
        assertThat(change(drift, "rds/secret/connection").orElseThrow().physicalId()).isEqualTo(secretArn);

        assertThat(rds.mutatingCallsOfApply()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("Rds.AddTagsToResource", 2,
                "SecretsManager.TagResource", 1, "Iam.TagRole", 1, "Kms.TagResource", 1));
        assertThat(aws.rds().describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier).containsExactly(DB);
        assertThat(aws.iam().listRoles().roles()).hasSize(roles);
        assertThat(aws.iam().listRoleTags(r -> r.roleName("qualisys-rds-enhanced-monitoring")).tags())
                .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("qualisys:logical-id=rds/role/qualisys-rds-enhanced-monitoring"));
        assertThat(aws.secretsManager().listSecrets().secretList()).extracting(e -> e.name())
                .containsExactlyInAnyOrder("qualisys/database/master", "qualisys/database/connection");
        assertThat(secret("qualisys/database/connection").path("password").asText()).isEqualTo(password);
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(20)
    void aNewMajorVersionIsADestructiveReplaceNeverAppliedWithoutApproval() {
        LayerHarness upgraded = new LayerHarness(SpecVariant.of("dev", "rds:\n  engineVersion: \"16.8\"\n  parameterGroup:\n    family: postgres16\n"),
                aws, new RdsLayer());
        Plan plan = upgraded.drift();
        assertThat(change(plan, "rds/db-instance/qualisys-db")).hasValueSatisfying(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.destructive()).isTrue();
        });
        aws.calls().reset();
        assertThatThrownBy(upgraded::apply).isInstanceOf(ApprovalRequiredException.class)
                .hasMessageContaining("REPLACE rds/db-instance/qualisys-db");
        assertThat(aws.calls().mutating()).isZero();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(30)
    void anApprovedReplaceInDevSkipsTheFinalSnapshotAndKeepsTheMasterPassword() throws Exception {
        String masterPassword = secret("qualisys/database/master").path("password").asText();
        new LayerHarness(SpecVariant.of("dev", "rds:\n  databaseName: qualisys_main\n"), aws, new RdsLayer()).applyApproved();

        assertThat(instance().dbName()).isEqualTo("qualisys_main");
        assertThat(aws.rds().describeDBSnapshots(r -> r.dbInstanceIdentifier(DB)).dbSnapshots())
                .noneMatch(s -> s.dbSnapshotIdentifier().startsWith("qualisys-db-final-"));
        assertThat(local.rds().masterPasswordSent(DB)).isEqualTo(masterPassword);
        assertThat(secret("qualisys/database/connection").path("dbname").asText()).isEqualTo("qualisys_main");
    }

    private DBInstance instance() {
        return aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier(DB)).dbInstances().get(0);
    }

    private JsonNode secret(String name) throws Exception {
        return JSON.readTree(outOfBand.secretsManager().getSecretValue(r -> r.secretId(name)).secretString());
    }
}
