package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The repo's defaults with an extra environment file written in the test ("environment: variant" + overrides). */
public final class SpecVariant {
    private SpecVariant() {}

    public static EnvironmentSpec load(String overridesYaml) {
        return loader(overridesYaml).load("variant");
    }

    public static SpecLoader loader(String overridesYaml) {
        Path dir = RepoPaths.root().resolve("environments");
        return new SpecLoader(new SpecLoader.Source() {
            public Optional<String> read(String relativePath) {
                if (relativePath.equals("variant.yaml")) return Optional.of("environment: variant\n" + overridesYaml);
                Path p = dir.resolve(relativePath);
                try {
                    return Files.isRegularFile(p) ? Optional.of(Files.readString(p)) : Optional.empty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            public List<String> environmentNames() {
                return List.of("variant");
            }

            public String displayRoot() {
                return "environments";
            }
        });
    }
}
