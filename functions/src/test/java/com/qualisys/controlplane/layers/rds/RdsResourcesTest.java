package com.qualisys.controlplane.layers.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecException;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RdsResourcesTest {

    static DesiredResource get(EnvironmentSpec spec, String id) {
        return RdsResources.desired(spec).stream().filter(d -> d.logicalId().equals(id)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging"})
    void devAndStagingRunASingleT3MediumWithoutDeletionProtection(String env) {
        DesiredResource db = get(TestSpecs.load(env), "rds/db-instance/qualisys-db");
        assertThat(db.attributes()).containsEntry("instanceClass", "db.t3.medium").containsEntry("multiAz", false)
                .containsEntry("deletionProtection", false);
        assertThat(TestSpecs.load(env).rds().skipFinalSnapshot()).isTrue();
    }

    @Test
    void productionRunsAMultiAzR5LargeWithDeletionProtectionAndAFinalSnapshot() {
        EnvironmentSpec prod = TestSpecs.load("production");
        DesiredResource db = get(prod, "rds/db-instance/qualisys-db");
        assertThat(db.attributes()).containsEntry("instanceClass", "db.r5.large").containsEntry("multiAz", true)
                .containsEntry("deletionProtection", true);
        assertThat(prod.rds().skipFinalSnapshot()).isFalse();
    }

    @Test
    void theInstanceFollowsTheSeedsStorageBackupAndMonitoringSettings() {
        DesiredResource db = get(TestSpecs.load("dev"), "rds/db-instance/qualisys-db");
        assertThat(db.attributes())
                .containsEntry("engine", "postgres").containsEntry("engineVersion", "15.10")
                .containsEntry("storageType", "gp3").containsEntry("maxAllocatedStorageGb", 100)
                .containsEntry("storageEncrypted", true).containsEntry("kmsKey", "ref:rds/kms-key/database")
                .containsEntry("backupRetentionDays", 7).containsEntry("backupWindow", "03:00-04:00")
                .containsEntry("maintenanceWindow", "sun:04:00-sun:05:00")
                .containsEntry("performanceInsights", Map.of("enabled", true, "retentionDays", 7))
                .containsEntry("monitoringIntervalSeconds", 60)
                .containsEntry("monitoringRole", "ref:rds/role/qualisys-rds-enhanced-monitoring")
                .containsEntry("publiclyAccessible", false)
                .containsEntry("securityGroups", List.of("ref:vpc/security-group/rds"))
                .containsEntry("subnetGroup", "ref:vpc/db-subnet-group/main")
                .containsEntry("parameterGroup", "ref:rds/parameter-group/qualisys-postgres15");
        assertThat(db.dependsOn()).contains("rds/secret/master");
    }

    @Test
    void theParameterGroupCarriesTheSeedsValuesInRdsUnits() {
        DesiredResource pg = get(TestSpecs.load("dev"), "rds/parameter-group/qualisys-postgres15");
        assertThat(pg.stringMap("parameters"))
                .containsEntry("max_connections", "200")
                .containsEntry("shared_buffers", "{DBInstanceClassMemory/32768}")
                .containsEntry("work_mem", "65536")
                .containsEntry("maintenance_work_mem", "524288")
                .containsEntry("effective_cache_size", "{DBInstanceClassMemory/16384}")
                .containsEntry("pg_stat_statements.track", "all")
                .containsEntry("log_min_duration_statement", "1000")
                .containsEntry("row_security", "1");
    }

    @Test
    void theConnectionSecretHoldsAppUsersCredentialsAndAUriNeverTheirValues() {
        DesiredResource connection = get(TestSpecs.load("dev"), "rds/secret/connection");
        assertThat(connection.attribute("name")).isEqualTo("qualisys/database/connection");
        assertThat(connection.attribute("fields")).isEqualTo(Map.of("host", "ref:rds/db-instance/qualisys-db", "port", 5432,
                "dbname", "qualisys_master", "username", "app_user", "password", "(secret)", "connection_uri", "(secret)"));
    }

    @Test
    void aNewMajorVersionOrAnotherKeyIsAReplaceButBackupRetentionIsAnUpdate() {
        DesiredResource db = get(TestSpecs.load("dev"), "rds/db-instance/qualisys-db");
        Map<String, Object> live = new LinkedHashMap<>(db.attributes());
        live.put("engineMajorVersion", "14");
        live.put("engineVersion", "14.12");
        assertThat(plan(db, live).changes().get(0).action()).isEqualTo(Action.REPLACE);
        assertThat(plan(db, live).changes().get(0).destructive()).isTrue();

        Map<String, Object> minor = new LinkedHashMap<>(db.attributes());
        minor.put("backupRetentionDays", 1);
        minor.put("engineVersion", "15.8");
        assertThat(plan(db, minor).changes().get(0).action()).isEqualTo(Action.UPDATE);
    }

    @Test
    void maskedSecretFieldsShowPasswordsAsSecretAndCheckTheUri() {
        var fields = SecretFields.empty();
        fields.put("username", "app_user");
        fields.put("password", "Sup3rS3cretValue");
        fields.put("host", "db.example");
        fields.put("port", 5432);
        fields.put("dbname", "qualisys_master");
        fields.put("connection_uri", SecretFields.connectionUri(fields));
        assertThat(fields.get("connection_uri").asText())
                .isEqualTo("postgresql://app_user:Sup3rS3cretValue@db.example:5432/qualisys_master?sslmode=require");

        Map<String, Object> masked = SecretFields.masked(fields, h -> h.equals("db.example") ? "ref:rds/db-instance/qualisys-db" : h);
        assertThat(masked).containsEntry("password", "(secret)").containsEntry("connection_uri", "(secret)")
                .containsEntry("host", "ref:rds/db-instance/qualisys-db");
        assertThat(masked.toString()).doesNotContain("Sup3rS3cretValue");

        fields.put("connection_uri", "postgresql://app_user:Sup3rS3cretValue@db.example:5432/qualisys_master");
        assertThat(SecretFields.masked(fields, h -> h).get("connection_uri").toString())
                .startsWith("(secret)").contains("sslmode=require").doesNotContain("Sup3rS3cretValue");
    }

    @Test
    void productionsFinalSnapshotIsNamedAfterTheInstanceAndTheTime() {
        assertThat(DbInstances.finalSnapshotId(TestSpecs.load("production").rds(),
                ZonedDateTime.of(2026, 11, 28, 3, 4, 5, 0, ZoneOffset.UTC))).isEqualTo("qualisys-db-final-20261128-030405");
    }

    @Test
    void aParameterGroupFamilyThatDoesNotMatchTheEngineIsRejectedNamingFieldAndValue() {
        assertThatThrownBy(() -> SpecVariant.load("rds:\n  parameterGroup:\n    family: postgres14\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("rds.parameterGroup.family")
                .hasMessageContaining("postgres14")
                .hasMessageContaining("expected postgres15");
    }

    private static Plan plan(DesiredResource d, Map<String, Object> live) {
        return Differ.diff("dev", "rds", List.of(d), List.of(new ObservedResource(d.logicalId(), d.kind().name(), "qualisys-db", live)));
    }
}
