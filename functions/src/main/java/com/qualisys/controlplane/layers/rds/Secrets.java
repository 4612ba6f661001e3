package com.qualisys.controlplane.layers.rds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The database secrets, KMS-encrypted with the layer's key. Passwords come from Secrets
 * Manager's GetRandomPassword and go straight into the secret: they are never logged, never put
 * in an exception, and plans show them as "(secret)". A secret whose tags were removed is found
 * again by its name and tagged again.
 */
final class Secrets implements ManagedKind<SecretListEntry> {
    private static final List<String> IDS = List.of(RdsResources.MASTER_SECRET, RdsResources.CONNECTION_SECRET);

    @Override
    public ResourceKind kind() {
        return RdsResources.SECRET_KIND;
    }

    @Override
    public AttributeDecisions decisions() {
        return RdsDecisions.secret();
    }

    /** One ListSecrets filtered by the secrets' logical-id tags (scheduled deletions included: they are drift, not absent). */
    @Override
    public List<SecretListEntry> list(LayerContext ctx) {
        return ctx.aws().secretsManager().listSecretsPaginator(r -> r.includePlannedDeletion(true).filters(
                Filter.builder().key(FilterNameStringType.TAG_KEY).values(Tags.LOGICAL_ID).build(),
                Filter.builder().key(FilterNameStringType.TAG_VALUE).values(IDS).build())).stream()
                .flatMap(page -> page.secretList().stream()).toList();
    }

    @Override
    public String logicalId(SecretListEntry live, LayerContext ctx) {
        String logicalId = Identity.logicalId(tags(live.tags()), ctx.environment());
        return logicalId != null && IDS.contains(logicalId) ? logicalId : null;
    }

    private static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> out = new HashMap<>();
        tags.forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    /** The secret of the wanted name (unique in the account and region), unless its tags say it is another's. */
    @Override
    public Optional<SecretListEntry> findUntagged(DesiredResource want, LayerContext ctx) {
        DescribeSecretResponse s;
        try {
            s = ctx.aws().secretsManager().describeSecret(r -> r.secretId(want.string("name")));
        } catch (ResourceNotFoundException absent) {
            return Optional.empty();
        }
        if (!Identity.claimable(tags(s.tags()), ctx, want.logicalId())) return Optional.empty();
        return Optional.of(SecretListEntry.builder().arn(s.arn()).name(s.name()).kmsKeyId(s.kmsKeyId()).deletedDate(s.deletedDate())
                .tags(s.tags()).build());
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        ctx.aws().secretsManager().tagResource(r -> r.secretId(physicalId).tags(tagList(ctx, logicalId)));
    }

    private static List<Tag> tagList(LayerContext ctx, String logicalId) {
        return ctx.tags(logicalId, null).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @Override
    public String physicalId(SecretListEntry live) {
        return live.arn();
    }

    @Override
    public Map<String, Object> attributes(SecretListEntry live, LayerContext ctx) {
        return attributes(live, ctx, Map.of());
    }

    /**
     * Secret values are read to check their non-secret fields and masked at once. The host is compared with the
     * endpoint of the instance (read before by {@link DbInstances}).
     */
    @Override
    public Map<String, Object> attributes(SecretListEntry s, LayerContext ctx, Map<String, ObservedResource> earlier) {
        String logicalId = logicalIdOrFound(s, ctx);
        String instanceRef = DesiredResource.ref(RdsResources.instance(ctx.spec().rds()));
        ObservedResource instance = earlier.get(RdsResources.instance(ctx.spec().rds()));
        Object endpoint = instance == null ? null : instance.attributes().get(DbInstances.ENDPOINT);
        // A secret scheduled for deletion cannot be read; its fields are checked once it is restored.
        ObjectNode fields = s.deletedDate() != null ? SecretFields.empty()
                : SecretFields.parse(ctx.aws().secretsManager().getSecretValue(r -> r.secretId(s.arn())).secretString());
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", s.name());
        a.put("scheduledForDeletion", s.deletedDate() != null);
        a.put("kmsKey", RdsResources.keyRef(ctx, s.kmsKeyId()));
        String endpointAs = RdsResources.MASTER_SECRET.equals(logicalId) ? RdsResources.INSTANCE_ENDPOINT : instanceRef;
        a.put("fields", SecretFields.masked(fields, host -> host.equals(endpoint) ? endpointAs : host));
        return a;
    }

    /** The logical id by the tag, or (for a secret found without its tags) by its name. */
    private static String logicalIdOrFound(SecretListEntry s, LayerContext ctx) {
        String tagged = Identity.logicalId(tags(s.tags()), ctx.environment());
        if (tagged != null) return tagged;
        return RdsResources.desired(ctx.spec()).stream().filter(d -> d.kind().name().equals(RdsResources.SECRET_KIND.name())
                && s.name().equals(d.attribute("name"))).map(DesiredResource::logicalId).findFirst().orElse(null);
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        ObjectNode fields = SecretFields.empty();
        boolean connection = d.logicalId().equals(RdsResources.CONNECTION_SECRET);
        fill(ctx, d, fields, connection);
        fields.put(SecretFields.PASSWORD, newPassword(ctx));
        if (connection) fields.put(SecretFields.CONNECTION_URI, SecretFields.connectionUri(fields));
        String name = d.string("name");
        List<Tag> tags = tagList(ctx, d.logicalId());
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

    @Override
    public void update(DesiredResource d, ObservedResource live, LayerContext ctx) {
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
    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().secretsManager().deleteSecret(r -> r.secretId(physicalId).recoveryWindowInDays(30L));
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
