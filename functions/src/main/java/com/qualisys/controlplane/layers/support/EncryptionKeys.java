package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.Tag;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * Customer managed KMS keys with rotation and an alias (EKS secrets, RDS storage and secrets).
 * KMS cannot list keys by tag, so keys are found through the Resource Groups Tagging API (one
 * call for the environment's keys), and their aliases from one ListAliases: a key created
 * before a crash but not yet aliased is still found by its tag, so a second key is never made.
 * A key whose tags were removed out of band is found again by its alias and tagged again.
 * A key disabled or scheduled for deletion out of band is drift ("keyState") and is restored.
 * The physical id is the key ARN, which every consumer accepts.
 */
public final class EncryptionKeys implements ManagedKind<EncryptionKeys.Key> {
    public static final ResourceKind KIND = ResourceKind.of("kms-key", true);
    public static final String ENABLED = KeyState.ENABLED.toString();

    private final String layer;
    private final Function<EnvironmentSpec, Map<String, String>> aliasByLogicalId;

    /** A live key of this kind: its logical id, what DescribeKey and GetKeyRotationStatus say, and the aliases pointing at it. */
    public record Key(String logicalId, KeyMetadata metadata, Boolean rotation, List<String> aliases) {}

    /**
     * The keys of one layer (logical ids starting with "&lt;layer&gt;/kms-key/"); aliasByLogicalId: the
     * alias the spec wants for each key.
     */
    public EncryptionKeys(String layer, Function<EnvironmentSpec, Map<String, String>> aliasByLogicalId) {
        this.layer = layer;
        this.aliasByLogicalId = aliasByLogicalId;
    }

    @Override
    public ResourceKind kind() {
        return KIND;
    }

    /** What drift does with every field KMS returns for a key. The key policy is not read (gap). */
    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(KIND)
                .read("DescribeKey", KeyMetadata.class)
                .compare("KeyState", "keyState")
                .compare("Description", "description")
                .ignore(Ignored.sameAs("keyState"), "Enabled", "DeletionDate", "PendingDeletionWindowInDays")
                .ignore(Ignored.IDENTITY, "KeyId", "Arn")
                .ignore(Ignored.READ_ONLY, "AWSAccountId", "CreationDate", "KeyManager", "CurrentKeyMaterialId")
                .ignore("imported key material only; the control plane's keys are made by KMS", "ValidTo", "ExpirationModel")
                .ignore(Ignored.FIXED_AT_CREATION + " (what the key is and where its material lives)", "KeyUsage", "KeySpec",
                        "CustomerMasterKeySpec", "Origin", "CustomKeyStoreId", "CloudHsmClusterId", "EncryptionAlgorithms",
                        "SigningAlgorithms", "KeyAgreementAlgorithms", "MacAlgorithms", "MultiRegion", "MultiRegionConfiguration",
                        "XksKeyConfiguration")
                .read("GetKeyRotationStatus", GetKeyRotationStatusResponse.class)
                .compare("KeyRotationEnabled", "rotation")
                .ignore("how often the enabled rotation happens (365 days unless set); gap: not compared", "RotationPeriodInDays")
                .ignore(Ignored.READ_ONLY, "NextRotationDate", "OnDemandRotationStartDate")
                .ignore(Ignored.sameAs("of DescribeKey"), "KeyId")
                .read("ListAliases", AliasListEntry.class)
                .compare("AliasName", "alias")
                .compare("TargetKeyId", "alias")
                .ignore(Ignored.IDENTITY, "AliasArn")
                .ignore(Ignored.READ_ONLY, "CreationDate", "LastUpdatedDate")
                .build();
    }

    public static DesiredResource desired(String logicalId, String alias, String description) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("alias", alias);
        a.put("rotation", true);
        a.put("keyState", ENABLED);
        a.put("description", description);
        return new DesiredResource(logicalId, KIND, a);
    }

    /** The environment's keys of this layer: one tag-filtered GetResources, one ListAliases, then DescribeKey and rotation per key. */
    @Override
    public List<Key> list(LayerContext ctx) {
        Map<String, String> logicalByArn = new LinkedHashMap<>();
        for (ResourceTagMapping m : ctx.aws().tagging().getResourcesPaginator(r -> r.resourceTypeFilters("kms:key")
                .tagFilters(TagFilter.builder().key(Tags.ENVIRONMENT).values(ctx.environment()).build(),
                        TagFilter.builder().key(Tags.MANAGED_BY).values(Tags.MANAGED_BY_VALUE).build()))
                .resourceTagMappingList()) {
            Map<String, String> tags = new HashMap<>();
            m.tags().forEach(t -> tags.put(t.key(), t.value()));
            String id = Identity.logicalId(tags, ctx.environment());
            if (id != null && id.startsWith(layer + "/kms-key/")) logicalByArn.put(m.resourceARN(), id);
        }
        if (logicalByArn.isEmpty()) return List.of();
        Map<String, List<String>> aliasesByKeyId = aliasesByKeyId(ctx.aws().kms());
        List<Key> out = new ArrayList<>();
        logicalByArn.forEach((arn, logicalId) -> out.add(read(ctx.aws().kms(), logicalId, arn, aliasesByKeyId)));
        return out;
    }

    private static Map<String, List<String>> aliasesByKeyId(KmsClient kms) {
        Map<String, List<String>> aliasesByKeyId = new HashMap<>();
        for (AliasListEntry a : kms.listAliasesPaginator(r -> {}).aliases()) {
            if (a.targetKeyId() != null) aliasesByKeyId.computeIfAbsent(a.targetKeyId(), k -> new ArrayList<>()).add(a.aliasName());
        }
        return aliasesByKeyId;
    }

    private static Key read(KmsClient kms, String logicalId, String keyId, Map<String, List<String>> aliasesByKeyId) {
        KeyMetadata meta = kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
        Boolean rotation;
        try {
            rotation = kms.getKeyRotationStatus(r -> r.keyId(meta.keyId())).keyRotationEnabled();
        } catch (KmsInvalidStateException disabledOrDeleting) {
            rotation = null;
        }
        return new Key(logicalId, meta, rotation, aliasesByKeyId.getOrDefault(meta.keyId(), List.of()));
    }

    /** A key whose tags were removed is still the target of its alias (an alias names one key in the account and region). */
    @Override
    public Optional<Key> findUntagged(DesiredResource want, LayerContext ctx) {
        KmsClient kms = ctx.aws().kms();
        Map<String, List<String>> aliasesByKeyId = aliasesByKeyId(kms);
        String alias = want.string("alias");
        for (Map.Entry<String, List<String>> e : aliasesByKeyId.entrySet()) {
            if (!e.getValue().contains(alias)) continue;
            Map<String, String> tags = new HashMap<>();
            kms.listResourceTagsPaginator(r -> r.keyId(e.getKey())).tags().forEach(t -> tags.put(t.tagKey(), t.tagValue()));
            // Another resource's key (tagged for another logical id or environment) is not taken over.
            if (!Identity.claimable(tags, ctx, want.logicalId())) return Optional.empty();
            return Optional.of(read(kms, want.logicalId(), e.getKey(), aliasesByKeyId));
        }
        return Optional.empty();
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        ctx.aws().kms().tagResource(r -> r.keyId(physicalId).tags(tags(ctx, logicalId)));
    }

    @Override
    public String logicalId(Key live, LayerContext ctx) {
        return live.logicalId();
    }

    @Override
    public String physicalId(Key live) {
        return live.metadata().arn();
    }

    /**
     * The observed "alias" is the wanted alias when it points at the key (a key may carry others
     * too), else the first alias the key has, or none.
     */
    @Override
    public Map<String, Object> attributes(Key live, LayerContext ctx) {
        String wanted = aliasByLogicalId.apply(ctx.spec()).get(live.logicalId());
        List<String> aliases = live.aliases();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("alias", aliases.contains(wanted) ? wanted : aliases.isEmpty() ? null : aliases.get(0));
        a.put("rotation", live.rotation());
        a.put("keyState", live.metadata().keyStateAsString());
        a.put("description", live.metadata().description());
        return a;
    }

    private static List<Tag> tags(LayerContext ctx, String logicalId) {
        return ctx.tags(logicalId, null).entrySet().stream()
                .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        KmsClient kms = ctx.aws().kms();
        List<Tag> tags = tags(ctx, d.logicalId());
        KeyMetadata key = kms.createKey(r -> r.description(d.string("description")).tags(tags)).keyMetadata();
        ctx.index().put(d.logicalId(), key.arn());
        kms.enableKeyRotation(r -> r.keyId(key.keyId()));
        pointAlias(kms, d.string("alias"), key.keyId());
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, List<Difference> differences, LayerContext ctx) {
        KmsClient kms = ctx.aws().kms();
        String keyId = live.physicalId();
        for (Difference diff : differences) {
            switch (diff.path()) {
                case "keyState" -> {
                    if (KeyState.PENDING_DELETION.toString().equals(diff.actual())) kms.cancelKeyDeletion(r -> r.keyId(keyId));
                    kms.enableKey(r -> r.keyId(keyId));
                }
                default -> { }
            }
        }
        for (Difference diff : differences) {
            switch (diff.path()) {
                case "rotation" -> kms.enableKeyRotation(r -> r.keyId(keyId));
                case "alias" -> pointAlias(kms, d.string("alias"), keyId);
                case "description" -> kms.updateKeyDescription(r -> r.keyId(keyId).description(d.string("description")));
                default -> { }
            }
        }
    }

    /** KMS keys are never deleted outright: deletion is scheduled with the longest waiting period. */
    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().kms().scheduleKeyDeletion(r -> r.keyId(physicalId).pendingWindowInDays(30));
    }

    private static void pointAlias(KmsClient kms, String alias, String keyId) {
        boolean exists = kms.listAliasesPaginator(r -> {}).aliases().stream().anyMatch(a -> a.aliasName().equals(alias));
        if (exists) kms.updateAlias(r -> r.aliasName(alias).targetKeyId(keyId));
        else kms.createAlias(r -> r.aliasName(alias).targetKeyId(keyId));
    }
}
