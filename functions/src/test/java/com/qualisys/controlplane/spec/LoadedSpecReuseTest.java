package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded spec is shared by later loads of the same files (what makes a warm function's spec free), so it must
 * be immutable all the way down, and any change to what it was made from must load afresh.
 */
class LoadedSpecReuseTest {
    @TempDir
    Path environments;

    @BeforeEach
    void copyTheRepositorysEnvironments() throws IOException {
        RepoPaths.copyOfEnvironments(environments);
    }

    @Test
    void loadingTheSameFilesAgainGivesTheSameSpec() {
        SpecLoader loader = SpecLoader.fromDirectory(environments);

        EnvironmentSpec first = loader.load("dev");

        assertThat(loader.load("dev")).isSameAs(first);
        assertThat(loader.load("staging")).isNotSameAs(first);
        assertThat(loader.load("dev")).isSameAs(first);
    }

    @Test
    void anEditedEnvironmentFileIsReadAgain() throws IOException {
        SpecLoader loader = SpecLoader.fromDirectory(environments);
        EnvironmentSpec before = loader.load("dev");

        edit("dev.yaml", "schedule: rate(1 day)", "schedule: rate(2 days)");

        assertThat(loader.load("dev").drift().schedule()).isEqualTo("rate(2 days)");
        assertThat(before.drift().schedule()).isEqualTo("rate(1 day)");
    }

    @Test
    void anEditedDefaultsFileIsReadAgain() throws IOException {
        SpecLoader loader = SpecLoader.fromDirectory(environments);
        String before = loader.load("dev").iam().policies().getFirst().description();

        String defaults = Files.readString(environments.resolve("defaults.yaml"));
        Files.writeString(environments.resolve("defaults.yaml"), defaults.replace(before, before + " (edited)"));

        assertThat(loader.load("dev").iam().policies().getFirst().description()).isEqualTo(before + " (edited)");
    }

    @Test
    void anEditedPolicyDocumentIsReadAgain() throws IOException {
        SpecLoader loader = SpecLoader.fromDirectory(environments);
        IamSpec.Policy policy = loader.load("dev").iam().policies().getFirst();
        Path document = environments.resolve(policy.document());
        JsonNode edited = Json.mapper().readTree(Files.readString(document));
        ((ObjectNode) edited).put("Id", "edited-after-the-first-load");
        Files.writeString(document, edited.toString());

        assertThat(loader.load("dev").iam().policies().getFirst().json()).contains("edited-after-the-first-load");
    }

    @Test
    void aChangedOverlayLoadsAfresh() {
        AtomicReference<String> lease = new AtomicReference<>("{\"state\":{\"leaseSeconds\":600}}");
        SpecLoader loader = SpecLoader.fromDirectory(environments).withOverlay(env -> read(lease.get()));
        EnvironmentSpec first = loader.load("dev");

        assertThat(loader.load("dev")).isSameAs(first);
        lease.set("{\"state\":{\"leaseSeconds\":700}}");
        assertThat(loader.load("dev").state().leaseSeconds()).isEqualTo(700);
    }

    @Test
    void aFileThatBreaksAfterALoadIsRejected_notAnsweredFromTheEarlierLoad() throws IOException {
        SpecLoader loader = SpecLoader.fromDirectory(environments);
        loader.load("dev");
        String good = Files.readString(environments.resolve("dev.yaml"));

        Files.writeString(environments.resolve("dev.yaml"), good + "\nnoSuchKey: 1\n");
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class).hasMessageContaining("noSuchKey");

        Files.writeString(environments.resolve("dev.yaml"), good);
        assertThat(loader.load("dev").environment()).isEqualTo("dev");
    }

    @Test
    void everyListSetAndMapOfEveryPackagedEnvironmentIsUnmodifiable() {
        SpecLoader loader = SpecLoader.fromDirectory(environments);
        List<String> modifiable = new ArrayList<>();
        int collections = 0;
        for (String environment : loader.environmentNames()) {
            collections += collectionsIn(loader.load(environment), environment, modifiable);
        }

        assertThat(modifiable).as("collections a caller could change under every later load").isEmpty();
        assertThat(collections).as("collections checked (the walk reached them)").isGreaterThan(30);
    }

    @Test
    void theWalkFindsAModifiableList_soTheCheckAboveCanFail() {
        record Holder(List<String> names, Map<String, List<String>> nested) {}
        List<String> modifiable = new ArrayList<>();

        collectionsIn(new Holder(new ArrayList<>(List.of("a")), Map.of("k", new ArrayList<>())), "holder", modifiable);

        assertThat(modifiable).containsExactlyInAnyOrder("holder.names", "holder.nested.k");
    }

    /** Walks records, lists, sets and maps; names each collection that accepts a change. */
    private static int collectionsIn(Object value, String path, List<String> modifiable) {
        if (value == null) return 0;
        if (value instanceof Record record) {
            int n = 0;
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                try {
                    n += collectionsIn(component.getAccessor().invoke(record), path + "." + component.getName(), modifiable);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return n;
        }
        if (value instanceof Map<?, ?> map) {
            Map<?, ?> entries = new java.util.LinkedHashMap<>(map);
            if (acceptsChange(() -> map.clear())) modifiable.add(path);
            int n = 1;
            for (Map.Entry<?, ?> e : entries.entrySet()) n += collectionsIn(e.getValue(), path + "." + e.getKey(), modifiable);
            return n;
        }
        if (value instanceof Collection<?> collection) {
            List<?> items = new ArrayList<>(collection);
            if (acceptsChange(() -> collection.clear())) modifiable.add(path);
            int n = 1;
            for (int i = 0; i < items.size(); i++) n += collectionsIn(items.get(i), path + "[" + i + "]", modifiable);
            return n;
        }
        return 0;
    }

    private static boolean acceptsChange(Runnable change) {
        try {
            change.run();
            return true;
        } catch (UnsupportedOperationException refused) {
            return false;
        }
    }

    private void edit(String file, String find, String replaceWith) throws IOException {
        Path path = environments.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as(file + " holds " + find).contains(find);
        Files.writeString(path, text.replace(find, replaceWith));
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
