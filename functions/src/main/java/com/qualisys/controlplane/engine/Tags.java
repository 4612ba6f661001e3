package com.qualisys.controlplane.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags that give every managed resource its identity; observe finds resources by them. */
public final class Tags {
    public static final String ENVIRONMENT = "qualisys:environment";
    public static final String LOGICAL_ID = "qualisys:logical-id";
    public static final String MANAGED_BY = "qualisys:managed-by";
    public static final String MANAGED_BY_VALUE = "qualisys-control-plane";

    private Tags() {}

    /** Identity tags plus a Name tag (the console shows it), in a stable order. */
    public static Map<String, String> identity(String environment, String logicalId, String name) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (name != null) tags.put("Name", name);
        tags.put(ENVIRONMENT, environment);
        tags.put(LOGICAL_ID, logicalId);
        tags.put(MANAGED_BY, MANAGED_BY_VALUE);
        return tags;
    }

    public static boolean isIdentityTag(String key) {
        return key.equals(ENVIRONMENT) || key.equals(LOGICAL_ID) || key.equals(MANAGED_BY);
    }
}
