package com.qualisys.controlplane.accounts;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.List;

/**
 * The hub's functions hold the control plane's state (lock table, report bucket, override records) and
 * assume the environments' roles: deployed into any other account than the specs' {@code aws.hubAccountId}
 * they would keep their state there and be trusted by no spoke. Checked once per cold start, before the
 * first use of the hub's clients, against the account they act in: in Lambda the one the invoked function's ARN
 * names, elsewhere sts:GetCallerIdentity's answer ({@link AwsClients#accountId()}).
 */
public final class HubGuard {
    private HubGuard() {}

    /** Returns {@code hub} when it acts in the specs' hub account (or the specs name none); otherwise refuses, naming both. */
    public static AwsClients verify(SpecLoader specs, AwsClients hub) {
        List<String> named = specs.environmentNames().stream().map(n -> specs.load(n).aws().hubAccountId())
                .filter(java.util.Objects::nonNull).distinct().toList();
        if (named.isEmpty()) return hub;
        String actual = hub.accountId();
        if (!named.contains(actual)) {
            throw new IllegalStateException("the control plane runs in account " + actual + ", but the specs name the hub "
                    + String.join(", ", named) + " (aws.hubAccountId): deploy it to the hub account or fix aws.hubAccountId;"
                    + " nothing was changed");
        }
        return hub;
    }
}
