package com.qualisys.controlplane.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Jackson is set up once: a JSON mapper and its serializer caches are a large part of a cold start's JSON cost, and
 * the SnapStart hook warms only the mappers {@link Json} holds. A class that builds its own JSON mapper pays that again
 * on its first call after a restore. (YAML mappers, built on a YAMLFactory, are another format and not counted.) The
 * one other JSON mapper is {@code events.StrictJson}'s: untrusted event payloads parsed under tighter limits (nesting
 * depth, string and number length), which Jackson sets on a mapper's factory, not on a reader derived from Json's.
 */
class OneJsonSetUpTest {
    private static final Pattern BUILDS_A_JSON_MAPPER = Pattern.compile("new ObjectMapper\\(\\)|JsonMapper\\.builder\\(");
    private static final List<String> OWN_LIMITS = List.of("com/qualisys/controlplane/events/StrictJson.java");

    @Test
    void noClassButJsonBuildsAJsonMapper() throws IOException {
        Path sources = RepoPaths.root().resolve("functions/src/main/java");
        List<String> builders;
        try (Stream<Path> files = Files.walk(sources)) {
            builders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("Json.java"))
                    .filter(f -> BUILDS_A_JSON_MAPPER.matcher(read(f)).find())
                    .map(f -> sources.relativize(f).toString())
                    .filter(f -> !OWN_LIMITS.contains(f)).toList();
        }
        assertThat(builders).as("classes that build their own JSON mapper instead of using Json's").isEmpty();
        assertThat(BUILDS_A_JSON_MAPPER.matcher(read(sources.resolve("com/qualisys/controlplane/json/Json.java"))).results().count())
                .as("Json's own mappers, the pattern's proof that it finds one").isEqualTo(2);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
