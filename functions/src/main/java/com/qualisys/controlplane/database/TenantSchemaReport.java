package com.qualisys.controlplane.database;

import java.util.List;

/** What ensuring one tenant schema changed; {@code changed} is false on a repeat run. */
public record TenantSchemaReport(String schema, boolean changed, List<String> changes, List<String> securedTables) {
    public TenantSchemaReport {
        changes = List.copyOf(changes);
        securedTables = List.copyOf(securedTables);
    }
}
