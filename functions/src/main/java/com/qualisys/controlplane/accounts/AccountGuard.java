package com.qualisys.controlplane.accounts;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec;

/**
 * The one check before anything changes in an environment: the identity its clients act as
 * ({@link AwsClients#accountId()}: sts:GetCallerIdentity, asked once per set of clients, or for a function
 * deployed in the environment's account, the account its ARN names) belongs to the spec's {@code aws.accountId}.
 */
public final class AccountGuard {
    private AccountGuard() {}

    /** Returns the clients when they act in the environment's account; otherwise refuses, naming both accounts. */
    public static AwsClients verify(EnvironmentSpec spec, AwsClients clients) {
        String expected = spec.aws().accountId();
        String actual = clients.accountId();
        if (!expected.equals(actual)) throw new AccountMismatchException(spec.environment(), expected, actual);
        return clients;
    }
}
