package com.qualisys.controlplane.layers.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The account alias, and the checks that stop apply before any change: wrong account, no Cost Explorer. */
class AccountLayerTest {
    private final EnvironmentSpec spec = TestSpecs.load("dev");

    @BeforeEach
    void emptyAccount() {
        MotoServer.shared().reset();
    }

    @Test
    void theAliasIsCreatedOnceAndAChangedAliasIsPutBack() {
        try (AwsClients aws = MotoServer.shared().clients()) {
            Reconciler r = new Reconciler(spec, aws, List.of(new AccountLayer()));
            assertThat(r.plan("account").changes()).singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(Action.CREATE));
            r.apply("account", false);
            assertThat(aws.iam().listAccountAliases().accountAliases()).containsExactly(spec.account().alias());
        }
        try (AwsClients aws = MotoServer.shared().clients()) {
            new Reconciler(spec, aws, List.of(new AccountLayer())).apply("account", false);
            assertThat(aws.calls().mutating()).isZero();
            aws.iam().createAccountAlias(r -> r.accountAlias("renamed-by-hand"));
        }
        try (AwsClients aws = MotoServer.shared().clients()) {
            Plan drift = new Reconciler(spec, aws, List.of(new AccountLayer())).plan("account");
            assertThat(drift.changes()).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(Action.UPDATE);
                assertThat(c.differences()).singleElement().satisfies(d -> {
                    assertThat(d.expected()).isEqualTo(spec.account().alias());
                    assertThat(d.actual()).isEqualTo("renamed-by-hand");
                });
            });
            new Reconciler(spec, aws, List.of(new AccountLayer())).apply("account", false);
            assertThat(aws.iam().listAccountAliases().accountAliases()).containsExactly(spec.account().alias());
        }
    }

    @Test
    void withoutCostExplorerApplyStopsBeforeAnyChangeAndSaysWhatToDo() {
        // AWS answers GetCostAndUsage with this error until Cost Explorer is enabled in the console.
        AwsApiFrontDoor.Responder notEnabled = request -> request.target().equals("AWSInsightsIndexService.GetCostAndUsage")
                ? Optional.of(StubResponse.jsonError("AccessDeniedException", "User not enabled for cost explorer access"))
                : Optional.empty();
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto(notEnabled); AwsClients aws = door.clients()) {
            assertThatThrownBy(() -> new Reconciler(spec, aws, List.of(new AccountLayer())).apply("account", false))
                    .isInstanceOf(CostExplorerCheck.CostExplorerUnavailableException.class)
                    .hasMessageContaining("Cost Explorer is not enabled for this account")
                    .hasMessageContaining("Billing and Cost Management console");
            assertThat(aws.calls().mutating()).isZero();
            assertThat(aws.iam().listAccountAliases().accountAliases()).isEmpty();
        }
    }

    @Test
    void costExplorerEnabledButWithoutDataYetIsAvailable() {
        AwsApiFrontDoor.Responder noDataYet = request -> request.target().equals("AWSInsightsIndexService.GetCostAndUsage")
                ? Optional.of(StubResponse.jsonError("DataUnavailableException", "Data is not available. Please try to adjust the time period."))
                : Optional.empty();
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto(noDataYet); AwsClients aws = door.clients()) {
            new Reconciler(spec, aws, List.of(new AccountLayer())).apply("account", false);
            assertThat(aws.iam().listAccountAliases().accountAliases()).containsExactly(spec.account().alias());
        }
    }

    @Test
    void missingPermissionToAskCostExplorerIsNamed() {
        AwsApiFrontDoor.Responder denied = request -> request.target().equals("AWSInsightsIndexService.GetCostAndUsage")
                ? Optional.of(StubResponse.jsonError("AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: ce:GetCostAndUsage"))
                : Optional.empty();
        try (AwsApiFrontDoor door = AwsApiFrontDoor.inFrontOfMoto(denied); AwsClients aws = door.clients()) {
            assertThatThrownBy(() -> new AccountLayer().preflight(new Reconciler(spec, aws, List.of(new AccountLayer())).context()))
                    .hasMessageContaining("cannot check that Cost Explorer is available: AccessDeniedException")
                    .hasMessageContaining("ce:GetCostAndUsage");
        }
    }
}
