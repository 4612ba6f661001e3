package com.qualisys.controlplane.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EmulatedAccounts;
import com.qualisys.controlplane.layers.EmulatedAccount;
import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.Test;

/** The hub's functions refuse to run in another account than the specs' aws.hubAccountId. */
class HubGuardTest {
    private static final String HUB = TestSpecs.load("dev").aws().hubAccountId();
    private final EmulatedAccounts accounts = new EmulatedAccounts(EmulatedAccount.local());

    @Test
    void theHubsOwnCredentialsPass() {
        try (AwsClients hub = accounts.hub(HUB)) {
            assertThat(HubGuard.verify(TestSpecs.loader(), hub)).isSameAs(hub);
        }
    }

    @Test
    void credentialsOfAnotherAccountAreRefusedNamingBothAccounts() {
        EmulatedAccount elsewhere = EmulatedAccount.fresh();
        try (AwsClients other = elsewhere.clients()) {
            assertThatThrownBy(() -> HubGuard.verify(TestSpecs.loader(), other))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("the control plane runs in account " + elsewhere.id() + ", but the specs name the hub " + HUB
                            + " (aws.hubAccountId): deploy it to the hub account or fix aws.hubAccountId; nothing was changed");
        }
    }

    @Test
    void anAccountKnownWithoutStsIsCheckedWithoutCallingIt() {
        // A Lambda function's account, named by its invocation's ARN: credentials of the hub, no STS call.
        try (AwsClients hub = hubSession().knownAccount(() -> HUB).build()) {
            assertThat(HubGuard.verify(TestSpecs.loader(), hub)).isSameAs(hub);
            assertThat(hub.calls().total()).as("API calls made to learn the account").isZero();
        }
    }

    @Test
    void aKnownAccountOtherThanTheHubIsRefusedNamingBoth() {
        try (AwsClients elsewhere = hubSession().knownAccount(() -> "999988887777").build()) {
            assertThatThrownBy(() -> HubGuard.verify(TestSpecs.loader(), elsewhere))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the control plane runs in account 999988887777, but the specs name the hub " + HUB);
            assertThat(elsewhere.calls().total()).isZero();
        }
    }

    @Test
    void anUnknownAccountIsAskedOfSts() {
        try (AwsClients hub = hubSession().knownAccount(() -> null).build()) {
            assertThat(HubGuard.verify(TestSpecs.loader(), hub)).isSameAs(hub);
            assertThat(hub.calls().total()).as("sts:GetCallerIdentity, once").isEqualTo(1);
        }
    }

    /** Clients with the hub function role's credentials, as a deployed hub function has them. */
    private AwsClients.Builder hubSession() {
        return AwsClients.builder().endpoint(EmulatedAccount.local().endpoint())
                .credentials(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(accounts.hubCredentials(HUB)));
    }
}
