package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.FunctionPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * How big what we ship is: each function's own deployment package (built here by the packager the build
 * runs, {@code functions/src/packaging}) with its three biggest parts, the whole breakdown of the largest
 * small function's and the largest function's, and the CLI's shaded {@code cli/target/qualisys.jar} with
 * its 10 biggest dependencies by bytes (read from the entries); each as a ratio to this module's own
 * classes and resources packed as a jar (the baseline, measured here). The small functions' target is
 * 15 MB (issue 16).
 *
 * <p>Fails when a package carries the Apache or Netty HTTP clients, which the poms exclude (the
 * functions build every SDK client on the URL-connection client, fabric8 on the JDK's), or when
 * qualisys.jar has not been built.
 *
 * <p>Build first, then run:
 * {@code ./mvnw -q -pl cli -am package -DskipTests && ./mvnw -q -pl functions test -Dtest=JarSizeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class JarSizeBenchmark {
    private static final int TOP = 10;
    private static final String CLI_JAR = "cli/target/qualisys.jar";
    private static final List<String> EXCLUDED_HTTP_CLIENTS = List.of("software/amazon/awssdk/http/apache/",
            "software/amazon/awssdk/http/nio/netty/", "io/netty/", "org/apache/http/");
    private static final String OWN = "qualisys classes and resources";
    private static final long SMALL_TARGET_BYTES = 15_000_000;

    /** Bytes of one part: as shipped (compressed) and unpacked. */
    record Size(long packed, long unpacked) {
        Size plus(Size o) {
            return new Size(packed + o.packed, unpacked + o.unpacked);
        }
    }

    @Test
    void sizesOfWhatShips() {
        Path root = RepoPaths.root();
        Path cliJar = root.resolve(CLI_JAR);
        assertThat(cliJar).as(CLI_JAR + ": build it with ./mvnw -q -pl cli -am package -DskipTests").isRegularFile();
        Path classes = root.resolve("functions/target/classes");
        long own = jarOf(classes);
        Path work = FunctionPackage.workDirectory().resolve("jar-size");
        ColdStartBenchmark.deleteTree(work);
        Path packages = FunctionPackagesTest.build(FunctionPackagesTest.MANIFEST, work.resolve("packages"));

        StringBuilder out = new StringBuilder("\nPackage sizes. Baseline: the functions module's own classes and resources as a jar, ")
                .append(mb(own)).append(" (").append(mb(classFileBytes(classes))).append(" of .class files unpacked)\n\n")
                .append(String.format("%-15s %10s %7s %8s %14s  %s%n", "function", "zip", "x own", "target", "after unzip", "biggest parts"));
        List<Path> shipped = new ArrayList<>();
        FunctionCatalog largestSmall = null;
        FunctionCatalog largest = null;
        Map<FunctionCatalog, Map<String, Size>> breakdowns = new LinkedHashMap<>();
        Map<FunctionCatalog, Long> zips = new LinkedHashMap<>();
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Path zip = packages.resolve(f.functionName() + ".zip");
            Path unpacked = work.resolve("unpacked").resolve(f.functionName());
            FunctionPackage.unpack(zip, unpacked);
            List<Path> jars = jars(unpacked.resolve("lib"));
            shipped.addAll(jars);
            Map<String, Size> parts = new LinkedHashMap<>();
            parts.put(OWN, new Size(jarOf(unpacked), directoryBytes(unpacked)));
            for (Path jar : jars) parts.put(artifact(jar), new Size(FunctionPackage.size(jar), FunctionPackage.size(jar)));
            breakdowns.put(f, parts);
            zips.put(f, FunctionPackage.size(zip));
            String biggest = parts.entrySet().stream().sorted(Map.Entry.<String, Size>comparingByValue(Comparator.comparingLong(Size::packed)).reversed())
                    .limit(3).map(e -> e.getKey() + " " + mb(e.getValue().packed())).collect(java.util.stream.Collectors.joining(", "));
            boolean small = ColdStartBenchmark.SMALL.contains(f);
            out.append(String.format("%-15s %10s %7.1f %8s %14s  %s%n", f.functionName(), mb(FunctionPackage.size(zip)), (double) FunctionPackage.size(zip) / own,
                    small ? (FunctionPackage.size(zip) <= SMALL_TARGET_BYTES ? "<=15 MB" : "OVER 15") : "", mb(total(parts).unpacked()), biggest));
            if (small && (largestSmall == null || FunctionPackage.size(zip) > zips.get(largestSmall))) largestSmall = f;
            if (largest == null || FunctionPackage.size(zip) > zips.get(largest)) largest = f;
        }
        out.append("(zip: the file the CDK app uploads; after unzip: what Lambda unpacks, where the jars under lib/ stay jars)\n");
        Map<String, Size> cli = shadedJar(cliJar, runtimeDependencies());
        Size cliTotal = new Size(FunctionPackage.size(cliJar), total(cli).unpacked());
        out.append(String.format("%n%-28s %10s %9.1f x own %14s after unzip%n", CLI_JAR, mb(cliTotal.packed()),
                (double) cliTotal.packed() / own, mb(cliTotal.unpacked())));
        for (FunctionCatalog f : new java.util.LinkedHashSet<>(java.util.Arrays.asList(largestSmall, largest))) {
            out.append(top(f.functionName() + " (" + mb(zips.get(f)) + ")", breakdowns.get(f), total(breakdowns.get(f)), own));
        }
        out.append(top(CLI_JAR, cli, total(cli), own));
        System.out.println(out);

        shipped.add(cliJar);
        assertThat(carrying(shipped)).as("HTTP clients the poms exclude").isEmpty();
    }

    private static List<Path> runtimeDependencies() {
        try {
            String text = Files.readString(FunctionPackage.runtimeClasspathFile()).strip();
            return text.isEmpty() ? List.of() : java.util.Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A shaded jar's entries, attributed to the dependency jar that holds the same entry (the
     * function package's dependencies); our own packages and META-INF apart; the rest (the CLI's
     * own dependencies, e.g. picocli) by their top-level package.
     */
    private static Map<String, Size> shadedJar(Path jar, List<Path> dependencies) {
        Map<String, String> owner = new HashMap<>();
        for (Path dep : dependencies) {
            if (!Files.isRegularFile(dep)) continue; // a reactor module's classes directory (aws-clients)
            try (ZipFile z = new ZipFile(dep.toFile())) {
                String name = artifact(dep);
                z.stream().filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/") && !e.getName().equals("module-info.class"))
                        .forEach(e -> owner.putIfAbsent(e.getName(), name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Size> parts = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            z.stream().filter(e -> !e.isDirectory()).forEach(e -> {
                String name = e.getName();
                String part = name.startsWith("com/qualisys/") || name.startsWith("environments/") || name.startsWith("sql/")
                        || name.startsWith("kubernetes/") ? OWN
                        : name.startsWith("META-INF/") ? "META-INF (merged)"
                        : owner.getOrDefault(name, "other: " + topLevel(name));
                parts.merge(part, new Size(e.getCompressedSize(), e.getSize()), Size::plus);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parts;
    }

    private static List<String> carrying(List<Path> archives) {
        List<String> found = new ArrayList<>();
        for (Path archive : new java.util.LinkedHashSet<>(archives)) {
            try (ZipFile z = new ZipFile(archive.toFile())) {
                z.stream().map(ZipEntry::getName).filter(n -> EXCLUDED_HTTP_CLIENTS.stream().anyMatch(n::startsWith)).findFirst()
                        .ifPresent(n -> found.add(archive.getFileName() + ": " + n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private static String top(String title, Map<String, Size> parts, Size total, long own) {
        StringBuilder out = new StringBuilder(String.format("%n%s: the %d biggest parts by bytes%n", title, TOP));
        out.append(String.format("  %-44s %10s %8s %9s %14s%n", "part", "bytes", "share", "x own", "after unzip"));
        parts.entrySet().stream().sorted(Map.Entry.<String, Size>comparingByValue(Comparator.comparingLong(Size::packed)).reversed())
                .limit(TOP).forEach(e -> out.append(String.format("  %-44s %10s %7.1f%% %9.2f %14s%n", e.getKey(), mb(e.getValue().packed()),
                        100.0 * e.getValue().packed() / total.packed(), (double) e.getValue().packed() / own, mb(e.getValue().unpacked()))));
        out.append(String.format("  (%d parts in all)%n", parts.size()));
        return out.toString();
    }

    private static Size total(Map<String, Size> parts) {
        return parts.values().stream().reduce(new Size(0, 0), Size::plus);
    }

    /** The size of a jar of everything under dir, packed as the jar tool would (deflate), in memory. */
    private static long jarOf(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FunctionPackage.zip(dir, bytes, true);
        return bytes.size();
    }

    private static long directoryBytes(Path dir) {
        return FunctionPackage.bytesUnder(dir, f -> !dir.relativize(f).startsWith("lib"));
    }

    private static long classFileBytes(Path dir) {
        return FunctionPackage.bytesUnder(dir, f -> f.toString().endsWith(".class"));
    }

    /** "ec2-2.40.2" from .../ec2-2.40.2.jar. */
    private static String artifact(Path jar) {
        String name = jar.getFileName().toString();
        return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    }

    private static String topLevel(String entry) {
        String[] parts = entry.split("/");
        return parts.length <= 2 ? parts[0] : parts[0] + "/" + parts[1];
    }

    /** MB of 10^6 bytes, as the packager prints them and as the 15 MB target is counted. */
    private static String mb(long bytes) {
        return String.format("%.2f MB", bytes / 1e6);
    }
}
