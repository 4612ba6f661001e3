package com.qualisys.controlplane.engine;

import java.util.List;

/** Whether a layer's resources are usable yet, and if not, which are still waiting and why. */
public record Readiness(boolean isReady, List<String> waitingFor) {
    public Readiness {
        waitingFor = List.copyOf(waitingFor);
    }

    public static Readiness ready() {
        return new Readiness(true, List.of());
    }

    public static Readiness waiting(List<String> waitingFor) {
        return waitingFor.isEmpty() ? ready() : new Readiness(false, waitingFor);
    }
}
