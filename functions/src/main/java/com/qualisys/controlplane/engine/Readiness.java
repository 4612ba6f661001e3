package com.qualisys.controlplane.engine;

import java.util.List;
import java.util.Set;

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

    /**
     * A live resource by its "status" attribute: ready in one of ready, waiting in any other, and an
     * error in one of failed (it will not become ready, so a loop waiting for it must stop).
     */
    public static Readiness ofStatus(ObservedResource live, Set<String> ready, Set<String> failed) {
        Object status = live.attributes().get("status");
        if (status == null || ready.contains(status.toString())) return ready();
        if (failed.contains(status.toString())) {
            throw new IllegalStateException(live.logicalId() + " (" + live.physicalId() + ") is " + status + ": it will not become ready");
        }
        return waiting(List.of(live.logicalId() + ": " + status));
    }
}
