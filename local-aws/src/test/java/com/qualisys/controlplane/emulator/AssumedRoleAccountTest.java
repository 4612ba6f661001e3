package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.BudgetType;
import software.amazon.awssdk.services.budgets.model.Spend;
import software.amazon.awssdk.services.budgets.model.TimeUnit;

/**
 * Credentials from AssumeRole act in the role's account for the stubs too, as they do for moto: a
 * budget created through a spoke's execution role is in the spoke's account, not moto's default one,
 * so two environments with the same budget names do not see each other's.
 */
class AssumedRoleAccountTest {
    private static final String HUB = "111122223333";
    private static final String SPOKE = "444455556666";
    private final LocalAws local = LocalAws.shared();
    private final EmulatedAccounts accounts = new EmulatedAccounts(local);

    @BeforeEach
    void reset() {
        local.reset();
    }

    @AfterEach
    void forget() {
        local.resetStubs();
    }

    @Test
    void aBudgetMadeThroughAnAssumedRoleIsInTheRolesAccountOnly() {
        String role = accounts.deploySpoke(SPOKE, List.of(EmulatedAccounts.hubRoleArn(HUB)), "external-1");
        try (AwsClients hub = accounts.hub(HUB);
             AwsClients spoke = assumed(hub, role, "external-1");
             AwsClients spokeAdmin = accounts.administrator(SPOKE);
             AwsClients defaultAccount = local.clients()) {
            spoke.budgets().createBudget(r -> r.accountId(SPOKE).budget(budget("qualisys-monthly")));

            assertThat(names(spokeAdmin, SPOKE)).containsExactly("qualisys-monthly");
            assertThat(names(spoke, SPOKE)).containsExactly("qualisys-monthly");
            assertThat(names(defaultAccount, AwsApiFrontDoor.DEFAULT_ACCOUNT)).as("moto's default account").isEmpty();
            assertThat(names(hub, HUB)).as("the hub").isEmpty();
        }
    }

    private static List<String> names(AwsClients aws, String account) {
        return aws.budgets().describeBudgets(r -> r.accountId(account)).budgets().stream().map(Budget::budgetName).toList();
    }

    private static Budget budget(String name) {
        return Budget.builder().budgetName(name).budgetType(BudgetType.COST).timeUnit(TimeUnit.MONTHLY)
                .budgetLimit(Spend.builder().amount(new java.math.BigDecimal("100")).unit("USD").build()).build();
    }

    private AwsClients assumed(AwsClients hub, String role, String externalId) {
        var c = hub.sts().assumeRole(r -> r.roleArn(role).roleSessionName("test").externalId(externalId)).credentials();
        return AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                        c.sessionToken()))).build();
    }
}
