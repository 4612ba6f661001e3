package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * What the tests and benchmarks that start Lambda functions from their packages need: a scratch
 * directory ({@code functions/target/bench}), the module's runtime dependency jars (asked of Maven once,
 * the packager's input), running a command, and unpacking a function's zip. The packages themselves are
 * built by {@code functions/src/packaging/FunctionPackager.java} (see FunctionPackagesTest.build).
 */
public final class FunctionPackage {
    private FunctionPackage() {}

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

    /**
     * The module's runtime-scope dependency jars, separated by the path separator, in a file: Maven's
     * dependency:build-classpath output, written by the build's process-classes phase (functions/pom.xml,
     * the packager's input). A test never runs Maven: on a fresh machine an offline Maven lacks the plugin.
     */
    public static Path runtimeClasspathFile() {
        return writtenByTheBuild("functions/target/packages/runtime-classpath.txt");
    }

    /**
     * What the packager ships: {@link #runtimeClasspathFile()} with each SDK service module replaced by its shrunk
     * copy (functions/src/packaging/SdkShrinker.java, run by the same process-classes phase).
     */
    public static Path shippedClasspathFile() {
        return writtenByTheBuild("functions/target/packages/sdk/shipped-classpath.txt");
    }

    private static Path writtenByTheBuild(String relative) {
        Path listing = RepoPaths.root().resolve(relative);
        if (!Files.isRegularFile(listing)) {
            throw new IllegalStateException(listing + " is missing: run the tests through Maven"
                    + " (./mvnw -pl functions -am test ...), whose process-classes phase writes it");
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

    /** The bytes of the regular files under {@code dir} that {@code counted} accepts. */
    public static long bytesUnder(Path dir, java.util.function.Predicate<Path> counted) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(counted).mapToLong(FunctionPackage::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file's size in bytes. */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Zips (deflate, as the jar tool packs) the files under dir into out, named relative to dir with '/', in name
     * order; with {@code withoutLib} leaving out dir's lib/ (an unpacked package's dependency jars).
     */
    public static void zip(Path dir, java.io.OutputStream out, boolean withoutLib) {
        try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !(withoutLib && dir.relativize(f).startsWith("lib")))
                    .sorted().toList()) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The classpath a packaged function runs with, as Lambda lays the package out: the probe that launches it, the
     * package's own classes (its unpacked directory, or those classes jarred), then the package's lib/ jars.
     */
    public static String classpath(Path probe, Path ownClasses, Path unpacked) {
        return String.join(java.io.File.pathSeparator, probe.toString(), ownClasses.toString(), unpacked.resolve("lib") + "/*");
    }

    /** {@link #classpath(Path, Path, Path)} with the package's classes where it was unpacked. */
    public static String classpath(Path probe, Path unpacked) {
        return classpath(probe, unpacked, unpacked);
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

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
