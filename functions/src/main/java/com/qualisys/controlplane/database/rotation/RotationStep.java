package com.qualisys.controlplane.database.rotation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The four steps Secrets Manager invokes a rotation function with, in this order. */
public enum RotationStep {
    CREATE_SECRET("createSecret"),
    SET_SECRET("setSecret"),
    TEST_SECRET("testSecret"),
    FINISH_SECRET("finishSecret");

    private final String eventName;

    RotationStep(String eventName) {
        this.eventName = eventName;
    }

    /** The value of "Step" in the rotation event. */
    public String eventName() {
        return eventName;
    }

    public static RotationStep fromEvent(String step) {
        for (RotationStep s : values()) if (s.eventName.equals(step)) return s;
        throw new IllegalArgumentException("Step " + step + " is not a rotation step; expected one of "
                + Arrays.stream(values()).map(RotationStep::eventName).collect(Collectors.joining(", ")));
    }
}
