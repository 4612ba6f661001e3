package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.spec.IamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may assume a role: the seed's role tables, AWS services, Kubernetes service accounts (IRSA). Pure.
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

    /** Trust for an AWS service principal such as ec2.amazonaws.com. */
    public static Map<String, Object> service(String servicePrincipal) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("Service", servicePrincipal));
        statement.put("Action", "sts:AssumeRole");
        return document(statement);
    }

    /**
     * IRSA trust: only the given Kubernetes service account, through the cluster's OIDC provider
     * (a ref until the provider exists), with the STS audience. The condition keys start with
     * {@link PolicyDocument#OIDC_ISSUER}, the provider's issuer once it is known.
     */
    public static Map<String, Object> serviceAccount(String providerRef, String namespace, String serviceAccount) {
        Map<String, Object> equals = new LinkedHashMap<>();
        equals.put(PolicyDocument.OIDC_ISSUER + ":aud", "sts.amazonaws.com");
        equals.put(PolicyDocument.OIDC_ISSUER + ":sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("Federated", List.of(providerRef)));
        statement.put("Action", List.of("sts:AssumeRoleWithWebIdentity"));
        statement.put("Condition", Map.of("StringEquals", equals));
        return document(statement);
    }

    private static Map<String, Object> document(Map<String, Object> statement) {
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
