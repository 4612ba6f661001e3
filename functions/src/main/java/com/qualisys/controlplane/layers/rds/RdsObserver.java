package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.engine.ManagedKinds;
import com.qualisys.controlplane.layers.support.Versions;
import com.qualisys.controlplane.spec.RdsSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/**
 * Reads the RDS layer's live resources: one call per resource type where RDS allows it (the
 * instance and parameter group by their fixed names, the secrets with one tag-filtered
 * ListSecrets). Secret values are read to check their non-secret fields and masked at once.
 */
final class RdsObserver {
    private final LayerContext ctx;
    private final RdsSpec rds;
    private final List<ObservedResource> out = new ArrayList<>();

    RdsObserver(LayerContext ctx) {
        this.ctx = ctx;
        this.rds = ctx.spec().rds();
    }

    List<ObservedResource> observe() {
        // Our own ids are found here; an absent one must not make the index observe this layer again.
        ctx.index().markObserved(RdsResources.LAYER);
        ForeignRefs.ensure(ctx, RdsResources.foreignRefs(), Map.of(RdsResources.SUBNET_GROUP, ctx.spec().vpc().dbSubnetGroup()));
        out.addAll(EncryptionKeys.observe(ctx, RdsResources.LAYER, Map.of(RdsResources.KEY, rds.kmsAlias())));
        out.addAll(new ManagedKinds(RdsResources.LAYER, List.of(RdsLayer.ROLES)).observe(ctx, RdsResources.desired(ctx.spec())));
        parameterGroup();
        Optional<DBInstance> instance = instance();
        secrets(instance.map(i -> i.endpoint() == null ? null : i.endpoint().address()).orElse(null));
        return out;
    }

    private void parameterGroup() {
        RdsClient client = ctx.aws().rds();
        String name = rds.parameterGroup().name();
        DBParameterGroup group;
        try {
            List<DBParameterGroup> found = client.describeDBParameterGroups(r -> r.dbParameterGroupName(name)).dbParameterGroups();
            if (found.isEmpty()) return;
            group = found.get(0);
        } catch (DbParameterGroupNotFoundException absent) {
            return;
        }
        String logicalId = RdsResources.parameterGroup(rds);
        if (!Identity.isOurs(tags(group.dbParameterGroupArn()), ctx, logicalId)) return;
        ctx.index().put(logicalId, group.dbParameterGroupName());
        Map<String, Object> values = new TreeMap<>();
        Map<String, Object> applyTypes = new TreeMap<>();
        for (Parameter p : client.describeDBParametersPaginator(r -> r.dbParameterGroupName(name).source("user")).parameters()) {
            values.put(p.parameterName(), p.parameterValue());
            if (p.applyType() != null) applyTypes.put(p.parameterName(), p.applyType());
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", group.dbParameterGroupName());
        a.put("family", group.dbParameterGroupFamily());
        a.put("parameters", values);
        a.put("applyTypes", applyTypes);
        out.add(new ObservedResource(logicalId, RdsResources.PARAMETER_GROUP.name(), group.dbParameterGroupName(), a));
    }

    private Optional<DBInstance> instance() {
        DBInstance db;
        try {
            db = ctx.aws().rds().describeDBInstances(r -> r.dbInstanceIdentifier(rds.identifier())).dbInstances().get(0);
        } catch (DbInstanceNotFoundException absent) {
            return Optional.empty();
        }
        Map<String, String> tags = new HashMap<>();
        db.tagList().forEach(t -> tags.put(t.key(), t.value()));
        String logicalId = RdsResources.instance(rds);
        if (!Identity.isOurs(tags, ctx, logicalId)) return Optional.empty();
        // An instance on its way out (a replace in progress) is gone already as far as the plan goes.
        if ("deleting".equals(db.dbInstanceStatus())) return Optional.empty();
        ctx.index().put(logicalId, db.dbInstanceIdentifier());
        out.add(new ObservedResource(logicalId, RdsResources.DB_INSTANCE.name(), db.dbInstanceIdentifier(), attributes(db)));
        return Optional.of(db);
    }

    private Map<String, Object> attributes(DBInstance db) {
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
        a.put("kmsKey", keyRef(db.kmsKeyId()));
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
        a.put("endpoint", db.endpoint() == null ? null : db.endpoint().address());
        a.put("allocatedStorageGb", db.allocatedStorage());
        return a;
    }

    private void secrets(String endpoint) {
        var sm = ctx.aws().secretsManager();
        List<String> ids = List.of(RdsResources.MASTER_SECRET, RdsResources.CONNECTION_SECRET);
        for (SecretListEntry s : sm.listSecretsPaginator(r -> r.includePlannedDeletion(true).filters(
                Filter.builder().key(FilterNameStringType.TAG_KEY).values(Tags.LOGICAL_ID).build(),
                Filter.builder().key(FilterNameStringType.TAG_VALUE).values(ids).build())).stream()
                .flatMap(page -> page.secretList().stream()).toList()) {
            Map<String, String> tags = new HashMap<>();
            s.tags().forEach(t -> tags.put(t.key(), t.value()));
            String logicalId = Identity.logicalId(tags, ctx.environment());
            if (logicalId == null || !ids.contains(logicalId)) continue;
            ctx.index().put(logicalId, s.arn());
            // A secret scheduled for deletion cannot be read; its fields are checked once it is restored.
            var fields = s.deletedDate() != null ? SecretFields.empty()
                    : SecretFields.parse(sm.getSecretValue(r -> r.secretId(s.arn())).secretString());
            String instanceRef = DesiredResource.ref(RdsResources.instance(rds));
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", s.name());
            a.put("scheduledForDeletion", s.deletedDate() != null);
            a.put("kmsKey", keyRef(s.kmsKeyId()));
            String endpointAs = logicalId.equals(RdsResources.MASTER_SECRET) ? RdsResources.INSTANCE_ENDPOINT : instanceRef;
            a.put("fields", SecretFields.masked(fields, host -> host.equals(endpoint) ? endpointAs : host));
            out.add(new ObservedResource(logicalId, RdsResources.SECRET_KIND.name(), s.arn(), a));
        }
    }

    /** A KMS key as the ref of our key, however the service names it (ARN, key id or alias); else as given. */
    private String keyRef(String kmsKeyId) {
        if (kmsKeyId == null) return null;
        Optional<String> ours = ctx.index().physicalId(RdsResources.KEY);
        if (ours.isPresent()) {
            String arn = ours.get();
            if (kmsKeyId.equals(arn) || arn.endsWith("/" + kmsKeyId) || kmsKeyId.equals(rds.kmsAlias())) {
                return DesiredResource.ref(RdsResources.KEY);
            }
        }
        return kmsKeyId;
    }

    private Map<String, String> tags(String arn) {
        Map<String, String> tags = new HashMap<>();
        ctx.aws().rds().listTagsForResource(r -> r.resourceName(arn)).tagList().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }
}
