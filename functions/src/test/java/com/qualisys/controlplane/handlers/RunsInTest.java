package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.testing.TestSpecs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QUALISYS_RUNS_IN says where a deployed function runs; anything else is refused at start, before any call. */
class RunsInTest {
    @Test
    void anUnknownPlaceIsRefused() {
        assertThatThrownBy(() -> ControlPlane.fromVariables(Map.of(ControlPlane.RUNS_IN_VARIABLE, "spoke"), TestSpecs.loader()))
                .isInstanceOf(IllegalStateException.class).hasMessage("QUALISYS_RUNS_IN is spoke; expected hub or environment");
    }
}
