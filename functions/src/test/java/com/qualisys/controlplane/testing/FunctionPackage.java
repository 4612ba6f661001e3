package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What the Lambda functions run from, for the benchmarks: the deployment package
 * {@code functions/target/functions-lambda.zip} (this module's classes at the root, dependencies
 * under lib/, as the CDK app deploys it) when it has been built and is not older than the compiled
 * classes; otherwise the same content taken from the build: {@code functions/target/classes} plus
 * the module's runtime-scope dependencies (asked of Maven once:
 * {@code dependency:build-classpath -DincludeScope=runtime}, cached under target/bench/).
 */
public final class FunctionPackage {
    public static final String LAMBDA_ZIP = "functions/target/functions-lambda.zip";

    private final String description;
    private final Path archive;
    private final Path ownClasses;
    private final List<Path> dependencies;

    private FunctionPackage(String description, Path archive, Path ownClasses, List<Path> dependencies) {
        this.description = description;
        this.archive = archive;
        this.ownClasses = ownClasses;
        this.dependencies = List.copyOf(dependencies);
    }

    public static FunctionPackage locate() {
        Path root = RepoPaths.root();
        Path work = workDirectory();
        Path classes = root.resolve("functions/target/classes");
        Path zip = root.resolve(LAMBDA_ZIP);
        if (Files.isRegularFile(zip) && !modified(zip).toInstant().isBefore(newest(classes).toInstant())) {
            Path unpacked = work.resolve("lambda-package");
            unpack(zip, unpacked);
            return new FunctionPackage(LAMBDA_ZIP + " (unpacked)", zip, unpacked, jars(unpacked.resolve("lib")));
        }
        String why = Files.isRegularFile(zip) ? LAMBDA_ZIP + " is older than target/classes" : LAMBDA_ZIP + " is not built";
        return new FunctionPackage("functions/target/classes + runtime dependencies (" + why + ")", null, classes, runtimeDependencies(root, work));
    }

    /** functions/target/bench: scratch space of the benchmarks. */
    public static Path workDirectory() {
        Path dir = RepoPaths.root().resolve("functions/target/bench");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public String description() {
        return description;
    }

    /** The deployment package's file, when it is what the benchmarks use. */
    public java.util.Optional<Path> archive() {
        return java.util.Optional.ofNullable(archive);
    }

    /** The module's own classes and resources (a directory). */
    public Path ownClasses() {
        return ownClasses;
    }

    /** The dependency jars, as they would sit under lib/. */
    public List<Path> dependencies() {
        return dependencies;
    }

    public String classpath() {
        List<String> entries = new ArrayList<>();
        entries.add(ownClasses.toString());
        dependencies.forEach(d -> entries.add(d.toString()));
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static List<Path> runtimeDependencies(Path root, Path work) {
        Path listing = runtimeClasspathFile();
        try {
            String text = Files.readString(listing, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? List.of() : Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The module's runtime-scope dependency jars, separated by the path separator, in a file (Maven's
     * dependency:build-classpath output, asked once and cached under target/bench/ until a pom changes).
     */
    public static Path runtimeClasspathFile() {
        Path root = RepoPaths.root();
        Path listing = workDirectory().resolve("runtime-classpath.txt");
        boolean stale = !Files.isRegularFile(listing)
                || modified(listing).compareTo(modified(root.resolve("functions/pom.xml"))) < 0
                || modified(listing).compareTo(modified(root.resolve("pom.xml"))) < 0;
        if (stale) {
            run(root, List.of(root.resolve("mvnw").toString(), "-q", "-o", "-pl", "functions", "-am", "compile", "dependency:build-classpath",
                    "-DincludeScope=runtime", "-Dmdep.outputFile=" + listing));
        }
        return listing;
    }

    public static void run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Unpacks zip into target (replacing it), unless target is newer than zip. */
    public static void unpack(Path zip, Path target) {
        if (Files.isDirectory(target) && !modified(target).toInstant().isBefore(modified(zip).toInstant())) return;
        try {
            if (Files.exists(target)) {
                try (Stream<Path> old = Files.walk(target)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
            Files.createDirectories(target);
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    Path out = target.resolve(e.getName()).normalize();
                    if (!out.startsWith(target)) throw new IllegalStateException("zip entry outside the package: " + e.getName());
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest modification time of any file under dir. */
    private static FileTime newest(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(FunctionPackage::modified).max(Comparator.naturalOrder())
                    .orElse(FileTime.fromMillis(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
