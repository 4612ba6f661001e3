package com.qualisys.controlplane.layers.rds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The database secrets, KMS-encrypted with the layer's key. Passwords come from Secrets
 * Manager's GetRandomPassword and go straight into the secret: they are never logged, never put
 * in an exception, and plans show them as "(secret)".
 */
final class SecretChanges {
    private SecretChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        ObjectNode fields = SecretFields.empty();
        boolean connection = d.logicalId().equals(RdsResources.CONNECTION_SECRET);
        fill(ctx, d, fields, connection);
        fields.put(SecretFields.PASSWORD, newPassword(ctx));
        if (connection) fields.put(SecretFields.CONNECTION_URI, SecretFields.connectionUri(fields));
        String name = d.string("name");
        List<Tag> tags = ctx.tags(d.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn;
        try {
            arn = ctx.aws().secretsManager().createSecret(r -> r.name(name).kmsKeyId(ctx.resolve(d.attribute("kmsKey")))
                    .description("QUALISYS " + ctx.environment() + " " + d.logicalId())
                    .secretString(SecretFields.write(fields)).tags(tags)).arn();
        } catch (ResourceExistsException e) {
            // A run that stopped right after creating it, not yet visible to ListSecrets: keep that one (and its password).
            var existing = ctx.aws().secretsManager().describeSecret(r -> r.secretId(name));
            Map<String, String> live = new HashMap<>();
            existing.tags().forEach(t -> live.put(t.key(), t.value()));
            if (!Identity.isOurs(live, ctx, d.logicalId())) {
                throw new IllegalStateException("secret " + name + " exists but is not managed by the control plane ("
                        + d.logicalId() + "); remove it or tag it", e);
            }
            arn = existing.arn();
        }
        ctx.index().put(d.logicalId(), arn);
    }

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live) {
        SecretsManagerClient sm = ctx.aws().secretsManager();
        if (Boolean.TRUE.equals(live.attributes().get("scheduledForDeletion"))) {
            // Deleted out of band but still in its recovery window: restore it, with its password.
            sm.restoreSecret(r -> r.secretId(live.physicalId()));
            throw new ChangePendingException(d.logicalId() + " was restored from scheduled deletion; its contents are checked next run");
        }
        if (!Differ.sameValue(d.attribute("kmsKey"), live.attributes().get("kmsKey"))) {
            // Secrets Manager re-encrypts the current and pending versions with the new key.
            sm.updateSecret(r -> r.secretId(live.physicalId()).kmsKeyId(ctx.resolve(d.attribute("kmsKey"))));
        }
        List<Difference> differences = new ArrayList<>();
        compareFields(d, live, differences);
        if (differences.isEmpty()) return;
        boolean connection = d.logicalId().equals(RdsResources.CONNECTION_SECRET);
        ObjectNode fields = SecretFields.parse(sm.getSecretValue(r -> r.secretId(live.physicalId())).secretString());
        String stored = SecretFields.write(fields);
        fill(ctx, d, fields, connection);
        if (fields.path(SecretFields.PASSWORD).asText().isEmpty()) {
            if (!connection) {
                throw new IllegalStateException(d.logicalId() + " has lost its password; the instance still has the old one."
                        + " Rotate the master secret (SecretRotation) instead of generating a new value here");
            }
            fields.put(SecretFields.PASSWORD, newPassword(ctx));
        }
        if (connection) fields.put(SecretFields.CONNECTION_URI, SecretFields.connectionUri(fields));
        // Only the master secret's host differed and the instance is not there yet: the instance's create writes it.
        if (SecretFields.write(fields).equals(stored)) return;
        sm.putSecretValue(r -> r.secretId(live.physicalId()).secretString(SecretFields.write(fields)));
    }

    /** The master secret's host, once the instance has an endpoint; nothing when it already says so. */
    static void writeHost(LayerContext ctx, String secretArn, String host) {
        SecretsManagerClient sm = ctx.aws().secretsManager();
        ObjectNode fields = SecretFields.parse(sm.getSecretValue(r -> r.secretId(secretArn)).secretString());
        if (host.equals(fields.path("host").asText(null))) return;
        fields.put("host", host);
        sm.putSecretValue(r -> r.secretId(secretArn).secretString(SecretFields.write(fields)));
    }

    /** Secrets are deleted with the longest recovery window. */
    static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().secretsManager().deleteSecret(r -> r.secretId(live.physicalId()).recoveryWindowInDays(30L));
    }

    /**
     * Sets the non-secret fields the spec owns; the host is the instance's endpoint, which exists once it is created.
     * The master secret is created before the instance (which takes its password), so it has no host until the instance
     * exists.
     */
    private static void fill(LayerContext ctx, DesiredResource d, ObjectNode fields, boolean connection) {
        @SuppressWarnings("unchecked")
        Map<String, Object> want = (Map<String, Object>) d.attribute("fields");
        for (Map.Entry<String, Object> e : want.entrySet()) {
            if (RdsResources.SECRET.equals(e.getValue())) continue;
            if (e.getKey().equals("host")) {
                // The instance is created from this secret's password: until it exists, the host waits (no ref, no cycle).
                if (RdsResources.INSTANCE_ENDPOINT.equals(e.getValue()) && !instanceExists(ctx)) continue;
                fields.put("host", endpoint(ctx, d));
            } else if (e.getValue() instanceof Number n) {
                fields.put(e.getKey(), n.intValue());
            } else {
                fields.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
    }

    private static boolean instanceExists(LayerContext ctx) {
        return ctx.index().physicalId(RdsResources.instance(ctx.spec().rds())).isPresent();
    }

    private static String endpoint(LayerContext ctx, DesiredResource d) {
        String identifier = ctx.resolve(DesiredResource.ref(RdsResources.instance(ctx.spec().rds())));
        DBInstance db;
        try {
            db = ctx.aws().rds().describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances().get(0);
        } catch (DbInstanceNotFoundException e) {
            throw new ChangePendingException(d.logicalId() + " waits for instance " + identifier);
        }
        if (db.endpoint() == null || db.endpoint().address() == null) {
            throw new ChangePendingException(d.logicalId() + " waits for the endpoint of " + identifier + " (" + db.dbInstanceStatus() + ")");
        }
        return db.endpoint().address();
    }

    private static void compareFields(DesiredResource d, ObservedResource live, List<Difference> out) {
        @SuppressWarnings("unchecked")
        Map<String, Object> want = (Map<String, Object>) d.attribute("fields");
        @SuppressWarnings("unchecked")
        Map<String, Object> have = (Map<String, Object>) live.attributes().getOrDefault("fields", Map.of());
        want.forEach((k, v) -> {
            if (!Differ.sameValue(v, have.get(k))) out.add(new Difference("fields." + k, v, have.get(k)));
        });
    }

    static String newPassword(LayerContext ctx) {
        // Letters and digits only: RDS refuses /, @, " and spaces in a master password, and the URI needs no escaping.
        return ctx.aws().secretsManager().getRandomPassword(r -> r.passwordLength(32L).excludePunctuation(true).includeSpace(false))
                .randomPassword();
    }
}
