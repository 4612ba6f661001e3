package com.qualisys.controlplane.spec;

import java.util.Map;

public record RdsSpec(
        String identifier,
        String engine,
        String engineVersion,
        String databaseName,
        String masterUsername,
        String instanceClass,
        boolean multiAz,
        boolean deletionProtection,
        boolean skipFinalSnapshot,
        String storageType,
        int allocatedStorageGb,
        int maxAllocatedStorageGb,
        String kmsAlias,
        int backupRetentionDays,
        String backupWindow,
        String maintenanceWindow,
        int performanceInsightsRetentionDays,
        int monitoringIntervalSeconds,
        String monitoringRole,
        boolean publiclyAccessible,
        ParameterGroup parameterGroup,
        Secrets secrets) {

    public record ParameterGroup(String name, String family, Map<String, String> parameters) {}

    public record Secrets(String master, String connection, String appUser, int rotationDays) {}
}
