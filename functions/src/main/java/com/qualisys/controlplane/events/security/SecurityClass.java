package com.qualisys.controlplane.events.security;

import java.util.Arrays;

/**
 * The families of security-relevant calls. Each has its own response policy key under
 * {@code responses.security} in the spec (remediate, check or notify).
 */
public enum SecurityClass {
    AUDIT_LOGGING("audit-logging", "monitoring"),
    SECURITY_GROUPS("security-groups", "vpc"),
    NETWORK_ACLS("network-acls", "vpc"),
    ROUTES("routes", "vpc"),
    IAM("iam", "iam"),
    ACCESS_KEYS("access-keys", "iam"),
    ENCRYPTION_KEYS("encryption-keys", null),
    EKS_CLUSTER("eks-cluster", "eks"),
    RDS_INSTANCE("rds-instance", "rds"),
    TRAIL_BUCKET("trail-bucket", "monitoring"),
    SECRETS("secrets", "rds");

    private final String key;
    private final String defaultLayer;

    SecurityClass(String key, String defaultLayer) {
        this.key = key;
        this.defaultLayer = defaultLayer;
    }

    /** The spec key (responses.security.&lt;key&gt;). */
    public String key() {
        return key;
    }

    /** The layer that owns resources of this class, when it does not depend on the resource (KMS keys do). */
    public String defaultLayer() {
        return defaultLayer;
    }

    public static SecurityClass ofKey(String key) {
        return Arrays.stream(values()).filter(c -> c.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown security class " + key));
    }
}
