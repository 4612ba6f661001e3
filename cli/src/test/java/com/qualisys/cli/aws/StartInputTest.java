package com.qualisys.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.layers.LayerNames;
import org.junit.jupiter.api.Test;

class StartInputTest {

    @Test
    void theEnvironmentComesFromEnvAndTheOptionsFromInput() {
        assertThat(StartInput.build(StateMachines.DRIFT_CHECK, "dev", null, LayerNames.ORDER).toString())
                .isEqualTo("{\"environment\":\"dev\"}");
        assertThat(StartInput.build(StateMachines.PROVISION, "staging",
                "{\"layers\":[\"vpc\",\"eks\"],\"approveDestructive\":false,\"runDbInit\":true}", LayerNames.ORDER).toString())
                .isEqualTo("{\"layers\":[\"vpc\",\"eks\"],\"approveDestructive\":false,\"runDbInit\":true,\"environment\":\"staging\"}");
    }

    @Test
    void aTypoInTheInputIsAnErrorNamingTheFieldAndValue() {
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "{\"layers\":[\"vpc\",\"ekss\"]}", LayerNames.ORDER))
                .hasMessage("--input layers[1] \"ekss\" is not a layer; layers: account, iam, monitoring, vpc, eks, rds, kubernetes");
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "{\"aproveDestructive\":true}", LayerNames.ORDER))
                .hasMessage("--input aproveDestructive is not an input of provision; its input fields: approveDestructive,"
                        + " environment, layers, runDbInit");
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "{\"runDbInit\":\"yes\"}", LayerNames.ORDER))
                .hasMessage("--input runDbInit must be true or false, got \"yes\"");
        assertThatThrownBy(() -> StartInput.build(StateMachines.DRIFT_CHECK, "dev", "{\"approveDestructive\":true}", LayerNames.ORDER))
                .hasMessage("--input approveDestructive is not an input of drift-check; its input fields: environment, layers");
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "{\"environment\":\"production\"}", LayerNames.ORDER))
                .hasMessage("--input environment \"production\" differs from --env dev");
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "[1]", LayerNames.ORDER))
                .hasMessage("--input must be a JSON object, got: [1]");
        assertThatThrownBy(() -> StartInput.build(StateMachines.PROVISION, "dev", "{layers:", LayerNames.ORDER))
                .hasMessageStartingWith("--input is not JSON");
    }

    @Test
    void startRunsProvisionAndDriftCheckOnly() {
        assertThat(StartInput.machine("qualisys-drift-check")).isEqualTo(StateMachines.DRIFT_CHECK);
        assertThatThrownBy(() -> StartInput.machine("budget-response")).hasMessageContaining("started by its EventBridge rule");
        assertThatThrownBy(() -> StartInput.machine("provison")).hasMessage("no state machine \"provison\"; start runs provision, drift-check or drift-check-all");
    }
}
