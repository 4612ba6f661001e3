package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.SpecLoader;

/** The repository's own environments/ specs, as tests load them. */
public final class TestSpecs {
    private TestSpecs() {}

    public static SpecLoader loader() {
        return SpecLoader.fromDirectory(RepoPaths.root().resolve("environments"));
    }

    public static EnvironmentSpec load(String environment) {
        return loader().load(environment);
    }
}
