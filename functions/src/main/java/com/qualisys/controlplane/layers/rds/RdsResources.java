package com.qualisys.controlplane.layers.rds;

import static com.qualisys.controlplane.engine.DesiredResource.ref;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.iam.TrustPolicy;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.layers.support.Versions;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.RdsSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The RDS layer's desired state, from the spec's rds section. Pure: no I/O.
 *
 * allocatedStorage is the initial size only (storage autoscaling grows it up to
 * maxAllocatedStorage), so it is not an attribute. Secret values never appear: a secret's
 * password (and the connection URI that contains it) is the placeholder {@value #SECRET}.
 */
public final class RdsResources {
    public static final String LAYER = "rds";
    public static final String SECRET = "(secret)";
    public static final int PORT = 5432;
    public static final String SECURITY_GROUP = "vpc/security-group/rds";
    public static final String SUBNET_GROUP = "vpc/db-subnet-group/main";
    public static final String KEY = LAYER + "/kms-key/database";
    public static final String MASTER_SECRET = LAYER + "/secret/master";
    public static final String CONNECTION_SECRET = LAYER + "/secret/connection";
    public static final String MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

    public static final ResourceKind PARAMETER_GROUP = ResourceKind.of("db-parameter-group", false, "name", "family");
    /** Deleting a secret loses the credentials in it: stateful. */
    public static final ResourceKind SECRET_KIND = ResourceKind.of("secret", true, "name");
    /** What AWS cannot change on a live instance: engine and major version, encryption and its key, names. */
    static final String IAM_AUTHENTICATION = "iamDatabaseAuthentication";
    static final String LOG_EXPORTS = "logExports";
    public static final ResourceKind DB_INSTANCE = ResourceKind.of("db-instance", true,
            "engine", "engineMajorVersion", "storageEncrypted", "kmsKey", "databaseName", "masterUsername");

    private RdsResources() {}

    public static String parameterGroup(RdsSpec rds) { return LAYER + "/parameter-group/" + rds.parameterGroup().name(); }
    public static String monitoringRole(RdsSpec rds) { return LAYER + "/role/" + rds.monitoringRole(); }
    public static String instance(RdsSpec rds) { return LAYER + "/db-instance/" + rds.identifier(); }

    public static List<String> foreignRefs() {
        return List.of(SECURITY_GROUP, SUBNET_GROUP);
    }

    public static List<DesiredResource> desired(EnvironmentSpec spec) {
        RdsSpec rds = spec.rds();
        List<DesiredResource> out = new ArrayList<>();
        out.add(EncryptionKeys.desired(KEY, rds.kmsAlias(),
                "QUALISYS " + spec.environment() + ": storage and secrets of " + rds.identifier()));
        out.add(RoleKind.desired(spec.environment(), monitoringRole(rds), new RoleKind.Definition(Identity.name(monitoringRole(rds)),
                TrustPolicy.service("monitoring.rds.amazonaws.com"), RoleKind.DEFAULT_MAX_SESSION_SECONDS,
                "QUALISYS " + spec.environment() + " RDS enhanced monitoring", List.of(MONITORING_POLICY), Map.of())));
        out.add(parameterGroupResource(rds));
        out.add(masterSecret(rds));
        out.add(instanceResource(rds));
        out.add(connectionSecret(rds));
        return out;
    }

    static DesiredResource parameterGroupResource(RdsSpec rds) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", rds.parameterGroup().name());
        a.put("family", rds.parameterGroup().family());
        a.put("parameters", new TreeMap<>(rds.parameterGroup().parameters()));
        return new DesiredResource(parameterGroup(rds), PARAMETER_GROUP, a);
    }

    /**
     * The master secret's host: the instance's endpoint. Not a ref, since the instance depends on this secret (it is
     * created with its password); the host is written by the first apply after the instance has an endpoint.
     */
    static final String INSTANCE_ENDPOINT = "(the instance's endpoint)";

    /**
     * The master credentials in the shape of Secrets Manager's RDS credentials (what db-init and rotation connect
     * with), created before the instance: the instance gets the password this secret holds.
     */
    static DesiredResource masterSecret(RdsSpec rds) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("engine", rds.engine());
        fields.put("host", INSTANCE_ENDPOINT);
        fields.put("username", rds.masterUsername());
        fields.put("password", SECRET);
        fields.put("dbname", rds.databaseName());
        fields.put("port", PORT);
        fields.put("dbInstanceIdentifier", rds.identifier());
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", rds.secrets().master());
        a.put("scheduledForDeletion", false);
        a.put("kmsKey", ref(KEY));
        a.put("fields", fields);
        return new DesiredResource(MASTER_SECRET, SECRET_KIND, a);
    }

    /** What the application pods read: app_user's credentials and a URI that requires TLS. */
    static DesiredResource connectionSecret(RdsSpec rds) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("host", ref(instance(rds)));
        fields.put("port", PORT);
        fields.put("dbname", rds.databaseName());
        fields.put("username", rds.secrets().appUser());
        fields.put("password", SECRET);
        fields.put("connection_uri", SECRET);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", rds.secrets().connection());
        a.put("scheduledForDeletion", false);
        a.put("kmsKey", ref(KEY));
        a.put("fields", fields);
        return new DesiredResource(CONNECTION_SECRET, SECRET_KIND, a);
    }

    static DesiredResource instanceResource(RdsSpec rds) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("engine", rds.engine());
        a.put("engineMajorVersion", Versions.major(rds.engineVersion()));
        a.put("engineVersion", rds.engineVersion());
        a.put("instanceClass", rds.instanceClass());
        a.put("multiAz", rds.multiAz());
        a.put("deletionProtection", rds.deletionProtection());
        a.put("storageType", rds.storageType());
        a.put("maxAllocatedStorageGb", rds.maxAllocatedStorageGb());
        a.put("storageEncrypted", true);
        a.put("kmsKey", ref(KEY));
        a.put("backupRetentionDays", rds.backupRetentionDays());
        a.put("backupWindow", rds.backupWindow());
        a.put("maintenanceWindow", rds.maintenanceWindow().toLowerCase(java.util.Locale.ROOT));
        Map<String, Object> pi = new TreeMap<>();
        pi.put("enabled", rds.performanceInsightsRetentionDays() > 0);
        if (rds.performanceInsightsRetentionDays() > 0) pi.put("retentionDays", rds.performanceInsightsRetentionDays());
        a.put("performanceInsights", pi);
        a.put("monitoringIntervalSeconds", rds.monitoringIntervalSeconds());
        a.put("monitoringRole", ref(monitoringRole(rds)));
        a.put("publiclyAccessible", rds.publiclyAccessible());
        // Logins are the secrets' passwords only: IAM authentication would let any principal with rds-db:connect in.
        a.put(IAM_AUTHENTICATION, false);
        // No log is exported to CloudWatch Logs (charged per GB ingested); the seed does not ask for one.
        a.put(LOG_EXPORTS, List.of());
        a.put("securityGroups", List.of(ref(SECURITY_GROUP)));
        a.put("subnetGroup", ref(SUBNET_GROUP));
        a.put("parameterGroup", ref(parameterGroup(rds)));
        a.put("databaseName", rds.databaseName());
        a.put("masterUsername", rds.masterUsername());
        // The spec pins the engine version; AWS must not move it during maintenance.
        a.put("autoMinorVersionUpgrade", false);
        a.put("copyTagsToSnapshot", true);
        return new DesiredResource(instance(rds), DB_INSTANCE, a, Set.of(MASTER_SECRET));
    }
}
