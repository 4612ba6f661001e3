package com.qualisys.controlplane.database;

import java.time.Instant;
import java.util.List;

/** One version of a database secret in Secrets Manager, with its staging labels. */
public record SecretVersion(String secretName, String versionId, List<String> stages, Instant created, DatabaseSecret value) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    public static final String PREVIOUS = "AWSPREVIOUS";

    public SecretVersion {
        stages = List.copyOf(stages);
    }

    public boolean has(String stage) {
        return stages.contains(stage);
    }
}
