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

    /**
     * The dev environment's spoke stack in phase 2: the execution role the hub's functions assume there, and the
     * database functions' own roles.
     */
    public static Map<String, Object> spoke() {
        return TestStacks.phaseTwo().spokeTemplate(TestStacks.PROVISIONED).toJSON();
    }

    /** The spoke stacks of the other environments (their grants name their own resources). */
    public static java.util.List<Map<String, Object>> otherSpokes() {
        java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String env : java.util.List.of("staging", "production")) {
            software.amazon.awscdk.App app = new software.amazon.awscdk.App();
            EnvironmentAccessStack stack = new EnvironmentAccessStack(app, TestStacks.specs().load(env), TestStacks.ACCOUNT);
            out.add(software.amazon.awscdk.assertions.Template.fromStack(stack).toJSON());
        }
        return out;
    }

    public static String executionRole() {
        return EnvironmentAccessStack.EXECUTION_ROLE_NAME;
    }

    /** The hub in phase one (no provisioned environment) and phase two (dev provisioned: its spoke runs the database functions). */
    public static Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        out.put("phase one", TestStacks.phaseOne().template().toJSON());
        out.put("phase two", TestStacks.phaseTwo().template().toJSON());
        return out;
    }
}
