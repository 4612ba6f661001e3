package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.Arrays;
import java.util.List;

/**
 * The loop guard: recognises the control plane's own calls by the exact role behind the session
 * (userIdentity.sessionContext.sessionIssuer.arn) — one of the functions' execution roles, under
 * the control plane's role path, in the account the event happened in. A name glob would let any
 * self-made {@code qualisys-control-plane-*} role (at another path, or in another account calling
 * in) pass as the control plane and switch the response off; the layers' policies deny creating
 * roles under the control plane's path or name prefix, so no one the control plane manages can
 * make such a role either.
 */
final class ControlPlaneRoles {
    /** The role the hub's functions assume in each environment account (infra-cdk's EnvironmentAccessStack). */
    static final String ENVIRONMENT_EXECUTION_ROLE = "qualisys-control-plane-execution";

    private final String path;
    private final List<String> names;

    ControlPlaneRoles(String path) {
        this.path = path;
        List<String> all = new java.util.ArrayList<>(Arrays.stream(FunctionCatalog.values()).map(FunctionCatalog::roleName).toList());
        all.add(ENVIRONMENT_EXECUTION_ROLE);
        this.names = List.copyOf(all);
    }

    boolean madeThe(CloudTrailEvent e) {
        CloudTrailEvent.Actor a = e.actor();
        if (a == null || !"AssumedRole".equals(a.type()) || a.sessionIssuerArn() == null || e.account() == null) return false;
        if (!e.account().equals(a.accountId())) return false;
        String issuer = a.sessionIssuerArn();
        int partitionEnd = issuer.indexOf(':', "arn:".length());
        if (!issuer.startsWith("arn:") || partitionEnd < 0) return false;
        String prefix = issuer.substring(0, partitionEnd) + ":iam::" + e.account() + ":role" + path;
        return names.stream().anyMatch(n -> issuer.equals(prefix + n));
    }
}
