package com.qualisys.controlplane.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A repo environment with a few more overrides written in the test, loaded (and validated) by
 * the real SpecLoader. The result keeps the base environment's name, so it reads and writes the
 * same tagged resources: it is "what if someone edited <env>.yaml like this".
 */
public final class SpecVariant {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SpecVariant() {}

    /** Only the repo's defaults plus the overrides (environment "variant"). */
    public static EnvironmentSpec load(String overridesYaml) {
        return loader(null, overridesYaml).load("variant");
    }

    /** The base environment edited with the overrides, under the base environment's name. */
    public static EnvironmentSpec of(String baseEnvironment, String overridesYaml) {
        EnvironmentSpec v = loader(baseEnvironment, overridesYaml).load("variant");
        return new EnvironmentSpec(baseEnvironment, v.aws(), v.state(), v.account(), v.iam(), v.monitoring(), v.vpc(),
                v.eks(), v.rds(), v.kubernetes(), v.responses(), v.drift());
    }

    private static SpecLoader loader(String base, String overridesYaml) {
        Path dir = RepoPaths.root().resolve("environments");
        return new SpecLoader(new SpecLoader.Source() {
            public Optional<String> read(String relativePath) {
                if (relativePath.equals("variant.yaml")) return Optional.of("environment: variant\n" + overridesYaml);
                if (relativePath.equals(SpecLoader.DEFAULTS) && base != null) return Optional.of(defaultsWith(dir, base));
                return file(dir.resolve(relativePath));
            }

            public List<String> environmentNames() {
                return List.of("variant");
            }

            public String displayRoot() {
                return "environments";
            }
        });
    }

    /** defaults.yaml with the base environment's overrides folded in (maps merge, the rest replaces). */
    private static String defaultsWith(Path dir, String base) {
        try {
            ObjectNode defaults = (ObjectNode) YAML.readTree(file(dir.resolve(SpecLoader.DEFAULTS)).orElseThrow());
            ObjectNode env = (ObjectNode) YAML.readTree(file(dir.resolve(base + ".yaml")).orElseThrow());
            env.remove("environment");
            merge(defaults, env);
            return YAML.writeValueAsString(defaults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(ObjectNode target, JsonNode override) {
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (target.get(f.getKey()) instanceof ObjectNode t && f.getValue().isObject()) merge(t, f.getValue());
            else target.set(f.getKey(), f.getValue().deepCopy());
        }
    }

    private static Optional<String> file(Path p) {
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
