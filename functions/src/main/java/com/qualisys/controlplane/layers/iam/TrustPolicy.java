package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.spec.IamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may assume a role, from the seed's role tables. Pure.
 * <ul>
 *   <li>human roles: principals of this account, only with MFA ({@code aws:MultiFactorAuthPresent});</li>
 *   <li>automation (QualisysCICD): principals of this account, no MFA (its short session limits
 *       the blast radius instead);</li>
 *   <li>service roles: the named AWS service principals.</li>
 * </ul>
 * "Principals of this account" is the account root ARN, which delegates the decision to the
 * identity policies of that account's users and roles; the account id is {@link PolicyDocument#ACCOUNT_ID}.
 */
public final class TrustPolicy {
    public static final String ACCOUNT_ROOT = "arn:aws:iam::" + PolicyDocument.ACCOUNT_ID + ":root";
    public static final String MFA_KEY = "aws:MultiFactorAuthPresent";

    private TrustPolicy() {}

    /** The trust document as it is sent to IAM (Sid and all). */
    public static Map<String, Object> of(IamSpec.Role role) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", sid(role));
        statement.put("Effect", "Allow");
        if (role.type() == IamSpec.RoleType.service) {
            statement.put("Principal", Map.of("Service", List.copyOf(role.trustedServices())));
        } else {
            statement.put("Principal", Map.of("AWS", ACCOUNT_ROOT));
        }
        statement.put("Action", "sts:AssumeRole");
        if (role.mfaRequired()) statement.put("Condition", Map.of("Bool", Map.of(MFA_KEY, "true")));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Version", "2012-10-17");
        doc.put("Statement", List.of(statement));
        return doc;
    }

    private static String sid(IamSpec.Role role) {
        return switch (role.type()) {
            case human -> "AssumeFromAccountWithMfa";
            case automation -> role.mfaRequired() ? "AssumeFromAccountWithMfa" : "AssumeFromAccount";
            case service -> "AssumeByService";
        };
    }
}
