package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * A key disabled or scheduled for deletion out of band is drift ("keyState") and is restored.
 * The physical id is the key ARN, which every consumer accepts.
 */
public final class EncryptionKeys {
    public static final ResourceKind KIND = ResourceKind.of("kms-key", true);
    public static final String ENABLED = KeyState.ENABLED.toString();

    private EncryptionKeys() {}

    /** What drift does with every field KMS returns for a key. The key policy is not read (gap). */
    public static AttributeDecisions decisions() {
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

    /**
     * The environment's keys of one layer (logical ids starting with "<layer>/kms-key/"). The
     * observed "alias" is the wanted alias when it points at the key (a key may carry others
     * too), else the first alias the key has, or none.
     */
    public static List<ObservedResource> observe(LayerContext ctx, String layer, Map<String, String> wantedAliasByLogicalId) {
        KmsClient kms = ctx.aws().kms();
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
        Map<String, List<String>> aliasesByKeyId = new HashMap<>();
        for (AliasListEntry a : kms.listAliasesPaginator(r -> {}).aliases()) {
            if (a.targetKeyId() != null) aliasesByKeyId.computeIfAbsent(a.targetKeyId(), k -> new ArrayList<>()).add(a.aliasName());
        }
        List<ObservedResource> out = new ArrayList<>();
        for (Map.Entry<String, String> e : logicalByArn.entrySet()) {
            KeyMetadata meta = kms.describeKey(r -> r.keyId(e.getKey())).keyMetadata();
            Boolean rotation;
            try {
                rotation = kms.getKeyRotationStatus(r -> r.keyId(meta.keyId())).keyRotationEnabled();
            } catch (KmsInvalidStateException disabledOrDeleting) {
                rotation = null;
            }
            List<String> aliases = aliasesByKeyId.getOrDefault(meta.keyId(), List.of());
            String wanted = wantedAliasByLogicalId.get(e.getValue());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("alias", aliases.contains(wanted) ? wanted : aliases.isEmpty() ? null : aliases.get(0));
            a.put("rotation", rotation);
            a.put("keyState", meta.keyStateAsString());
            a.put("description", meta.description());
            out.add(new ObservedResource(e.getValue(), KIND.name(), meta.arn(), a));
            ctx.index().put(e.getValue(), meta.arn());
        }
        return out;
    }

    public static void create(LayerContext ctx, DesiredResource d) {
        KmsClient kms = ctx.aws().kms();
        List<Tag> tags = ctx.tags(d.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
        KeyMetadata key = kms.createKey(r -> r.description(d.string("description")).tags(tags)).keyMetadata();
        ctx.index().put(d.logicalId(), key.arn());
        kms.enableKeyRotation(r -> r.keyId(key.keyId()));
        pointAlias(kms, d.string("alias"), key.keyId());
    }

    public static void update(LayerContext ctx, DesiredResource d, ObservedResource live, List<Difference> differences) {
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
    public static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().kms().scheduleKeyDeletion(r -> r.keyId(live.physicalId()).pendingWindowInDays(30));
    }

    private static void pointAlias(KmsClient kms, String alias, String keyId) {
        boolean exists = kms.listAliasesPaginator(r -> {}).aliases().stream().anyMatch(a -> a.aliasName().equals(alias));
        if (exists) kms.updateAlias(r -> r.aliasName(alias).targetKeyId(keyId));
        else kms.createAlias(r -> r.aliasName(alias).targetKeyId(keyId));
    }
}
