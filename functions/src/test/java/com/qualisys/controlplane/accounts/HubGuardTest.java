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
}
