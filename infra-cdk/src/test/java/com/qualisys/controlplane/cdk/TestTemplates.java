package com.qualisys.controlplane.cdk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The synthesized templates of {@link TestStacks}, as plain maps, for tests outside this package. */
public final class TestTemplates {
    private TestTemplates() {}

    public static Path repo() {
        return TestStacks.REPO;
    }

    /** Phase one (no provisioned environment) and phase two (dev provisioned: VPC-attached database functions). */
    public static Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        out.put("phase one", TestStacks.phaseOne().template().toJSON());
        out.put("phase two", TestStacks.phaseTwo().template().toJSON());
        return out;
    }
}
