package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local AWS (module local-aws, package {@code com.qualisys.controlplane.emulator}) is for tests, the demo and the
 * CLI: no Lambda package may contain it, and the CDK app's own code may not refer to it.
 */
class NoEmulatorInDeployedCodeTest {
    private static final String EMULATOR_PACKAGE = "com/qualisys/controlplane/emulator/";

    @Test
    void noLambdaPackageContainsTheEmulator() throws IOException {
        Path target = RepoPaths.root().resolve(LambdaPackage.PACKAGES);
        List<Path> packages;
        try (Stream<Path> files = Files.list(target)) {
            packages = files.filter(p -> p.toString().endsWith(".zip")).sorted().toList();
        }
        assertThat(packages).as("Lambda packages under %s (built by `./mvnw package` before this module's tests)", target)
                .isNotEmpty();
        for (Path zip : packages) {
            assertThat(emulatorEntries(zip)).as("emulator content in %s", zip).isEmpty();
        }
    }

    @Test
    void theCdkAppsCodeDoesNotReferToTheEmulator() {
        Path classes = RepoPaths.root().resolve("infra-cdk/target/classes");
        assertThat(classes).isDirectory();
        assertThat(classesReferringToTheEmulator(classes)).isEmpty();
    }

    @Test
    void aPackageCarryingTheEmulatorIsCaughtByItsClassesOrItsJar(@TempDir Path dir) throws IOException {
        Path withClass = zip(dir.resolve("a.zip"), EMULATOR_PACKAGE + "MotoServer.class");
        Path withJar = zip(dir.resolve("b.zip"), "lib/local-aws-0.1.0-SNAPSHOT.jar");
        Path clean = zip(dir.resolve("c.zip"), "com/qualisys/controlplane/handlers/LockHandler.class", "lib/aws-clients-0.1.0.jar");
        assertThat(emulatorEntries(withClass)).containsExactly(EMULATOR_PACKAGE + "MotoServer.class");
        assertThat(emulatorEntries(withJar)).containsExactly("lib/local-aws-0.1.0-SNAPSHOT.jar");
        assertThat(emulatorEntries(clean)).isEmpty();
    }

    @Test
    void aClassReferringToTheEmulatorIsCaught(@TempDir Path dir) throws IOException {
        Path classFile = dir.resolve("com/qualisys/controlplane/cdk/Bad.class");
        Files.createDirectories(classFile.getParent());
        Files.write(classFile, ("\u00ca\u00fe\u00ba\u00be...Lcom/qualisys/controlplane/emulator/LocalAws;...")
                .getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("Good.class"), "Lcom/qualisys/controlplane/spec/SpecLoader;".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(classesReferringToTheEmulator(dir)).containsExactly(classFile);
    }

    static List<String> emulatorEntries(Path zip) throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.startsWith(EMULATOR_PACKAGE) || name.matches("lib/local-aws-[^/]*\\.jar")) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /** Class files whose constant pool names a type of the emulator package (imports compile to such references). */
    static List<Path> classesReferringToTheEmulator(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(p -> p.toString().endsWith(".class")).filter(NoEmulatorInDeployedCodeTest::refersToEmulator)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean refersToEmulator(Path classFile) {
        try (InputStream in = Files.newInputStream(classFile)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(EMULATOR_PACKAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path zip(Path zip, String... entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                out.closeEntry();
            }
        }
        return zip;
    }
}
