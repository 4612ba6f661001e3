package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.layers.support.Versions;
import com.qualisys.controlplane.spec.RdsSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * The qualisys-db instance. Created after its master secret, with the password read back from
 * that secret: a run that stops between the two creates the instance next time with the same
 * password, never a second one. In-place changes are applied immediately; deletion honours
 * the environment's deletion protection and final snapshot. Ready when available.
 */
final class DbInstances implements ManagedKind<DBInstance> {
    /** Observed only (never desired, so never drift): the instance's address, which the secrets' host is compared with. */
    static final String ENDPOINT = "endpoint";

    @Override
    public ResourceKind kind() {
        return RdsResources.DB_INSTANCE;
    }

    @Override
    public AttributeDecisions decisions() {
        return RdsDecisions.instance();
    }

    /** The instance has a fixed identifier: one DescribeDBInstances. */
    @Override
    public List<DBInstance> list(LayerContext ctx) {
        return describe(ctx).stream().toList();
    }

    private static Optional<DBInstance> describe(LayerContext ctx) {
        try {
            return ctx.aws().rds().describeDBInstances(r -> r.dbInstanceIdentifier(ctx.spec().rds().identifier())).dbInstances()
                    .stream().findFirst();
        } catch (DbInstanceNotFoundException absent) {
            return Optional.empty();
        }
    }

    /** An instance on its way out (a replace in progress) is gone already as far as the plan goes. */
    @Override
    public String logicalId(DBInstance live, LayerContext ctx) {
        String logicalId = RdsResources.instance(ctx.spec().rds());
        return Identity.isOurs(tags(live), ctx, logicalId) && !"deleting".equals(live.dbInstanceStatus()) ? logicalId : null;
    }

    private static Map<String, String> tags(DBInstance db) {
        Map<String, String> tags = new HashMap<>();
        db.tagList().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    /** The instance of the spec's identifier (unique in the account and region), unless its tags say it is another's. */
    @Override
    public Optional<DBInstance> findUntagged(DesiredResource want, LayerContext ctx) {
        return describe(ctx).filter(db -> Identity.claimable(tags(db), ctx, want.logicalId()) && !"deleting".equals(db.dbInstanceStatus()));
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        String arn = describe(ctx).orElseThrow().dbInstanceArn();
        ctx.aws().rds().addTagsToResource(r -> r.resourceName(arn).tags(RdsResources.tags(ctx, logicalId, physicalId)));
    }

    @Override
    public String physicalId(DBInstance live) {
        return live.dbInstanceIdentifier();
    }

    @Override
    public Map<String, Object> attributes(DBInstance db, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("engine", db.engine());
        a.put("engineMajorVersion", db.engineVersion() == null ? null : Versions.major(db.engineVersion()));
        a.put("engineVersion", db.engineVersion());
        a.put("instanceClass", db.dbInstanceClass());
        a.put("multiAz", db.multiAZ());
        a.put("deletionProtection", db.deletionProtection());
        a.put("storageType", db.storageType());
        a.put("maxAllocatedStorageGb", db.maxAllocatedStorage());
        a.put("storageEncrypted", db.storageEncrypted());
        a.put("kmsKey", RdsResources.keyRef(ctx, db.kmsKeyId()));
        a.put("backupRetentionDays", db.backupRetentionPeriod());
        a.put("backupWindow", db.preferredBackupWindow());
        a.put("maintenanceWindow", db.preferredMaintenanceWindow() == null ? null : db.preferredMaintenanceWindow().toLowerCase(Locale.ROOT));
        Map<String, Object> pi = new TreeMap<>();
        pi.put("enabled", Boolean.TRUE.equals(db.performanceInsightsEnabled()));
        if (db.performanceInsightsRetentionPeriod() != null) pi.put("retentionDays", db.performanceInsightsRetentionPeriod());
        a.put("performanceInsights", pi);
        a.put("monitoringIntervalSeconds", db.monitoringInterval());
        a.put("monitoringRole", db.monitoringRoleArn() == null ? null : ctx.index().refOrRaw(db.monitoringRoleArn()));
        a.put("publiclyAccessible", db.publiclyAccessible());
        a.put(RdsResources.IAM_AUTHENTICATION, Boolean.TRUE.equals(db.iamDatabaseAuthenticationEnabled()));
        a.put(RdsResources.LOG_EXPORTS, db.enabledCloudwatchLogsExports().stream().sorted().toList());
        a.put("securityGroups", db.vpcSecurityGroups().stream().map(g -> ctx.index().refOrRaw(g.vpcSecurityGroupId())).sorted().toList());
        a.put("subnetGroup", db.dbSubnetGroup() == null ? null : ctx.index().refOrRaw(db.dbSubnetGroup().dbSubnetGroupName()));
        a.put("parameterGroup", db.dbParameterGroups().isEmpty() ? null : ctx.index().refOrRaw(db.dbParameterGroups().get(0).dbParameterGroupName()));
        a.put("databaseName", db.dbName());
        a.put("masterUsername", db.masterUsername());
        a.put("autoMinorVersionUpgrade", db.autoMinorVersionUpgrade());
        a.put("copyTagsToSnapshot", db.copyTagsToSnapshot());
        a.put("status", db.dbInstanceStatus());
        a.put(ENDPOINT, db.endpoint() == null ? null : db.endpoint().address());
        a.put("allocatedStorageGb", db.allocatedStorage());
        return a;
    }

    @Override
    public Readiness readiness(ObservedResource live) {
        return Readiness.ofStatus(live, Set.of("available"), Set.of("failed", "incompatible-parameters", "incompatible-network",
                "incompatible-option-group", "incompatible-restore", "inaccessible-encryption-credentials", "restore-error", "storage-full"));
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        RdsSpec rds = ctx.spec().rds();
        String secretArn = ctx.index().require(RdsResources.MASTER_SECRET);
        String password = SecretFields.parse(ctx.aws().secretsManager().getSecretValue(r -> r.secretId(secretArn)).secretString())
                .path(SecretFields.PASSWORD).asText();
        if (password.isEmpty()) throw new IllegalStateException(RdsResources.MASTER_SECRET + " has no password; cannot create " + rds.identifier());
        List<Tag> tags = RdsResources.tags(ctx, d.logicalId(), rds.identifier());
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
            Secrets.writeHost(ctx, secretArn, created.endpoint().address());
        }
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, List<Difference> differences, LayerContext ctx) {
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
    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
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
