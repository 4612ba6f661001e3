package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture in src/test/resources/invalid-specs is an environment file laid over the repo's
 * real defaults.yaml; its first line says the message the loader must give: file, path, value.
 */
class InvalidSpecTest {
    private static final Path FIXTURES = RepoPaths.root().resolve("functions/src/test/resources/invalid-specs");

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            List<String> names = files.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList();
            assertThat(names).as("at least 10 distinct invalid specs").hasSizeGreaterThanOrEqualTo(10);
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void isRejectedNamingFilePathAndValue(String name, @TempDir Path dir) throws IOException {
        Path environments = RepoPaths.root().resolve("environments");
        Files.copy(environments.resolve("defaults.yaml"), dir.resolve("defaults.yaml"));
        Files.createDirectories(dir.resolve("policies"));
        try (Stream<Path> policies = Files.list(environments.resolve("policies"))) {
            for (Path p : policies.toList()) Files.copy(p, dir.resolve("policies").resolve(p.getFileName()));
        }
        Path fixture = FIXTURES.resolve(name + ".yaml");
        Files.copy(fixture, dir.resolve(name + ".yaml"));
        // The fixtures name the file as in the repository (environments/x.yaml); the loader names the
        // folder it actually read, here the temporary copy.
        String expected = Files.readAllLines(fixture).get(0).replaceFirst("^# expect: ", "").replaceFirst("^environments/", dir + "/");

        assertThatThrownBy(() -> SpecLoader.fromDirectory(dir).load(name))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining(expected);
    }
}
