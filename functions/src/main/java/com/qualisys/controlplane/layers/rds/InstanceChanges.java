package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.spec.RdsSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The qualisys-db instance. Created after its master secret, with the password read back from
 * that secret: a run that stops between the two creates the instance next time with the same
 * password, never a second one. In-place changes are applied immediately; deletion honours
 * the environment's deletion protection and final snapshot.
 */
final class InstanceChanges {
    private InstanceChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        RdsSpec rds = ctx.spec().rds();
        String secretArn = ctx.index().require(RdsResources.MASTER_SECRET);
        String password = SecretFields.parse(ctx.aws().secretsManager().getSecretValue(r -> r.secretId(secretArn)).secretString())
                .path(SecretFields.PASSWORD).asText();
        if (password.isEmpty()) throw new IllegalStateException(RdsResources.MASTER_SECRET + " has no password; cannot create " + rds.identifier());
        List<Tag> tags = ctx.tags(d.logicalId(), rds.identifier()).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        @SuppressWarnings("unchecked")
        Map<String, Object> pi = (Map<String, Object>) d.attribute("performanceInsights");
        boolean insights = Boolean.TRUE.equals(pi.get("enabled"));
        DBInstance created;
        try {
            created = ctx.aws().rds().createDBInstance(r -> r.dbInstanceIdentifier(rds.identifier())
                    .engine(d.string("engine")).engineVersion(d.string("engineVersion"))
                    .dbInstanceClass(d.string("instanceClass"))
                    .dbName(d.string("databaseName")).masterUsername(d.string("masterUsername")).masterUserPassword(password)
                    .port(RdsResources.PORT)
                    .multiAZ((Boolean) d.attribute("multiAz"))
                    .deletionProtection((Boolean) d.attribute("deletionProtection"))
                    .storageType(d.string("storageType"))
                    .allocatedStorage(rds.allocatedStorageGb())
                    .maxAllocatedStorage(number(d, "maxAllocatedStorageGb"))
                    .storageEncrypted(true).kmsKeyId(ctx.resolve(d.attribute("kmsKey")))
                    .backupRetentionPeriod(number(d, "backupRetentionDays"))
                    .preferredBackupWindow(d.string("backupWindow"))
                    .preferredMaintenanceWindow(d.string("maintenanceWindow"))
                    .enablePerformanceInsights(insights)
                    .performanceInsightsRetentionPeriod(insights ? ((Number) pi.get("retentionDays")).intValue() : null)
                    .monitoringInterval(number(d, "monitoringIntervalSeconds"))
                    .monitoringRoleArn(ctx.resolve(d.attribute("monitoringRole")))
                    .publiclyAccessible((Boolean) d.attribute("publiclyAccessible"))
                    .vpcSecurityGroupIds(d.strings("securityGroups").stream().map(ctx::resolve).toList())
                    .dbSubnetGroupName(ctx.resolve(d.attribute("subnetGroup")))
                    .dbParameterGroupName(ctx.resolve(d.attribute("parameterGroup")))
                    .autoMinorVersionUpgrade((Boolean) d.attribute("autoMinorVersionUpgrade"))
                    .copyTagsToSnapshot((Boolean) d.attribute("copyTagsToSnapshot"))
                    .tags(tags)).dbInstance();
        } catch (DbInstanceAlreadyExistsException e) {
            var existing = ctx.aws().rds().describeDBInstances(r -> r.dbInstanceIdentifier(rds.identifier())).dbInstances().get(0);
            created = existing;
            if ("deleting".equals(existing.dbInstanceStatus())) {
                throw new ChangePendingException(d.logicalId() + " waits until the instance it replaces is deleted");
            }
            Map<String, String> live = new HashMap<>();
            existing.tagList().forEach(t -> live.put(t.key(), t.value()));
            if (!Identity.isOurs(live, ctx, d.logicalId())) {
                throw new IllegalStateException("DB instance " + rds.identifier() + " exists but is not managed by the control plane", e);
            }
        }
        ctx.index().put(d.logicalId(), rds.identifier());
        // RDS reports an endpoint once the instance is up (moto at once, AWS minutes later: then the master secret's
        // host is an update the readiness loop's next apply makes).
        if (created.endpoint() != null && created.endpoint().address() != null) {
            SecretChanges.writeHost(ctx, secretArn, created.endpoint().address());
        }
    }

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live, List<Difference> differences) {
        Object status = live.attributes().get("status");
        if (!"available".equals(status)) {
            throw new ChangePendingException(d.logicalId() + " is " + status + "; it can be modified once available");
        }
        ModifyDbInstanceRequest.Builder m = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(live.physicalId()).applyImmediately(true);
        for (Difference diff : differences) {
            String root = diff.path().contains(".") ? diff.path().substring(0, diff.path().indexOf('.')) : diff.path();
            switch (root) {
                case "engineVersion" -> m.engineVersion(d.string("engineVersion")).allowMajorVersionUpgrade(false);
                case "instanceClass" -> m.dbInstanceClass(d.string("instanceClass"));
                case "multiAz" -> m.multiAZ((Boolean) d.attribute("multiAz"));
                case "deletionProtection" -> m.deletionProtection((Boolean) d.attribute("deletionProtection"));
                case "storageType" -> m.storageType(d.string("storageType"));
                case "maxAllocatedStorageGb" -> m.maxAllocatedStorage(number(d, "maxAllocatedStorageGb"));
                case "backupRetentionDays" -> m.backupRetentionPeriod(number(d, "backupRetentionDays"));
                case "backupWindow" -> m.preferredBackupWindow(d.string("backupWindow"));
                case "maintenanceWindow" -> m.preferredMaintenanceWindow(d.string("maintenanceWindow"));
                case "performanceInsights" -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> pi = (Map<String, Object>) d.attribute("performanceInsights");
                    boolean on = Boolean.TRUE.equals(pi.get("enabled"));
                    m.enablePerformanceInsights(on);
                    if (on) m.performanceInsightsRetentionPeriod(((Number) pi.get("retentionDays")).intValue());
                }
                case "monitoringIntervalSeconds", "monitoringRole" -> m.monitoringInterval(number(d, "monitoringIntervalSeconds"))
                        .monitoringRoleArn(ctx.resolve(d.attribute("monitoringRole")));
                case "publiclyAccessible" -> m.publiclyAccessible((Boolean) d.attribute("publiclyAccessible"));
                case "securityGroups" -> m.vpcSecurityGroupIds(d.strings("securityGroups").stream().map(ctx::resolve).toList());
                case "subnetGroup" -> m.dbSubnetGroupName(ctx.resolve(d.attribute("subnetGroup")));
                case "parameterGroup" -> m.dbParameterGroupName(ctx.resolve(d.attribute("parameterGroup")));
                case "autoMinorVersionUpgrade" -> m.autoMinorVersionUpgrade((Boolean) d.attribute("autoMinorVersionUpgrade"));
                case "copyTagsToSnapshot" -> m.copyTagsToSnapshot((Boolean) d.attribute("copyTagsToSnapshot"));
                case RdsResources.IAM_AUTHENTICATION -> m.enableIAMDatabaseAuthentication((Boolean) d.attribute(RdsResources.IAM_AUTHENTICATION));
                case RdsResources.LOG_EXPORTS -> {
                    List<String> want = d.strings(RdsResources.LOG_EXPORTS);
                    List<String> have = ManagedKind.strings(live, RdsResources.LOG_EXPORTS);
                    m.cloudwatchLogsExportConfiguration(c -> c.enableLogTypes(ManagedKind.minus(want, have))
                            .disableLogTypes(ManagedKind.minus(have, want)));
                }
                default -> throw new IllegalStateException("instance attribute " + diff.path() + " cannot be modified in place");
            }
        }
        ctx.aws().rds().modifyDBInstance(m.build());
    }

    /**
     * Deletes per the environment's table: production (deletion protection, final snapshot
     * required) keeps a final snapshot and its automated backups; dev and staging keep neither. Deletion protection is never
     * switched off here: that is a spec change a person makes and applies first.
     */
    static void delete(LayerContext ctx, ObservedResource live) {
        RdsSpec rds = ctx.spec().rds();
        if (Boolean.TRUE.equals(live.attributes().get("deletionProtection"))) {
            throw new IllegalStateException(live.physicalId() + " has deletion protection: set rds.deletionProtection to false"
                    + " and apply that first if the instance is really to be deleted");
        }
        String snapshot = finalSnapshotId(rds, ZonedDateTime.now(ZoneOffset.UTC));
        ctx.aws().rds().deleteDBInstance(r -> {
            r.dbInstanceIdentifier(live.physicalId());
            // Where a final snapshot is required, the automated backups are retained as well.
            if (rds.skipFinalSnapshot()) r.skipFinalSnapshot(true).deleteAutomatedBackups(true);
            else r.skipFinalSnapshot(false).finalDBSnapshotIdentifier(snapshot).deleteAutomatedBackups(false);
        });
    }

    static String finalSnapshotId(RdsSpec rds, ZonedDateTime at) {
        return rds.identifier() + "-final-" + at.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    private static int number(DesiredResource d, String name) {
        return ((Number) d.attribute(name)).intValue();
    }
}
