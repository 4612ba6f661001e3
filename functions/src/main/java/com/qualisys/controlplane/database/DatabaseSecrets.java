package com.qualisys.controlplane.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads database secrets from Secrets Manager. Every read names its staging label explicitly:
 * a bare GetSecretValue is AWSCURRENT in AWS, but an emulator may differ (docs/emulator-gaps.md).
 */
public final class DatabaseSecrets {
    private final SecretsManagerClient secretsManager;

    public DatabaseSecrets(SecretsManagerClient secretsManager) {
        this.secretsManager = secretsManager;
    }

    public SecretsManagerClient client() {
        return secretsManager;
    }

    /** The AWSCURRENT version; a secret without one is an error naming the secret. */
    public SecretVersion current(String secretId) {
        return byStage(secretId, SecretVersion.CURRENT)
                .orElseThrow(() -> new IllegalStateException("secret " + secretId + " has no AWSCURRENT version"));
    }

    public Optional<SecretVersion> byStage(String secretId, String stage) {
        try {
            return Optional.of(version(secretId, secretsManager.getSecretValue(r -> r.secretId(secretId).versionStage(stage))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The version with this id, provided it carries this label; empty when there is no such value yet. */
    public Optional<SecretVersion> byVersion(String secretId, String versionId, String stage) {
        try {
            return Optional.of(version(secretId,
                    secretsManager.getSecretValue(r -> r.secretId(secretId).versionId(versionId).versionStage(stage))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The secret's metadata: name, rotation settings, and version id → staging labels. */
    public DescribeSecretResponse describe(String secretId) {
        return secretsManager.describeSecret(r -> r.secretId(secretId));
    }

    /** Version ids by label, from one DescribeSecret response. */
    public static Map<String, List<String>> stages(DescribeSecretResponse description) {
        Map<String, List<String>> stages = new TreeMap<>();
        description.versionIdsToStages().forEach((id, labels) -> stages.put(id, new ArrayList<>(labels)));
        return stages;
    }

    public static Optional<String> versionWith(DescribeSecretResponse description, String stage) {
        return description.versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey).findFirst();
    }

    private static SecretVersion version(String secretId, GetSecretValueResponse r) {
        if (r.secretString() == null) throw new IllegalStateException("secret " + secretId + " version " + r.versionId() + " has no SecretString");
        return new SecretVersion(r.name(), r.versionId(), r.versionStages(), r.createdDate(),
                DatabaseSecret.parse(r.name() + " (" + String.join(",", r.versionStages()) + ")", r.secretString()));
    }
}
