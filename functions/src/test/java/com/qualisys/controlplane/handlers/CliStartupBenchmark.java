package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.FunctionPackage;
import com.qualisys.controlplane.testing.Timings;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How fast the {@code qualisys} command starts: {@code --help} and {@code validate --env dev} from
 * {@code cli/target/qualisys.jar}, launched as the {@code qualisys} script launches them (the JVM options of
 * {@code cli/jvm.options} and the class cache it makes after each build: an AOT cache on JDK 25+, an
 * application class-data-sharing archive before; both made here the same way, from a {@code validate} run),
 * with a CDS archive instead (JDK 25+), without any cache, and through the script itself (what a user types,
 * JDK choice included), each against a fresh trivial JVM with the same options launched in the same rounds
 * (the baseline). Time: process start to exit. Issue 16's target: {@code validate --env dev} within 6x the
 * trivial JVM.
 *
 * <p>Fails when a command exits non-zero or writes anything to stderr (a successful command is silent
 * there); never on time. Build the jar first:
 * {@code ./mvnw -q -pl cli -am package -DskipTests && ./mvnw -q -pl functions -am test -Dtest=CliStartupBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class CliStartupBenchmark {
    private static final int RUNS = Integer.getInteger("qualisys.bench.cliRuns", 5);
    private static final String CLI_JAR = "cli/target/qualisys.jar";
    private static final String JVM_OPTIONS = "cli/jvm.options";
    private static final List<String> VALIDATE = List.of("validate", "--env", "dev");

    record Exit(double ms, int code, String stderr) {}

    @Test
    void cliStartAgainstATrivialJvm() {
        Path root = RepoPaths.root();
        Path jar = root.resolve(CLI_JAR);
        assertThat(jar).as(CLI_JAR + ": build it with ./mvnw -q -pl cli -am package -DskipTests").isRegularFile();
        Path work = FunctionPackage.workDirectory().resolve("cli-startup");
        ColdStartBenchmark.deleteTree(work);
        Path probe = ColdStartBenchmark.copyProbe(work.resolve("probe"));
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root.resolve(JVM_OPTIONS));
        boolean aot = Runtime.version().feature() >= 25;
        Path cdsArchive = work.resolve("qualisys.jsa");
        run(root, concat(java, List.of("-XX:ArchiveClassesAtExit=" + cdsArchive, "-jar", jar.toString(), "validate")));
        assertThat(cdsArchive).as("the CDS archive of a validate run").isRegularFile();
        List<String> cds = List.of("-XX:SharedArchiveFile=" + cdsArchive);
        List<String> cache = cds;
        String cacheName = "CDS archive";
        if (aot) {
            Path aotCache = work.resolve("qualisys.aot");
            run(root, concat(java, List.of("-Xlog:aot*=off", "-XX:AOTCacheOutput=" + aotCache, "-jar", jar.toString(), "validate")));
            assertThat(aotCache).as("the AOT cache of a validate run").isRegularFile();
            cache = List.of("-Xlog:aot*=off", "-XX:AOTCache=" + aotCache);
            cacheName = "AOT cache";
        }

        Map<String, List<String>> commands = new LinkedHashMap<>();
        // The probe's own classes need the Lambda interface, which the CLI jar holds.
        commands.put("trivial JVM (baseline)", concat(java, List.of("-cp", probe + File.pathSeparator + jar,
                ColdStartProbe.class.getName(), "--trivial")));
        commands.put("qualisys --help, " + cacheName, concat(java, concat(cache, List.of("-jar", jar.toString(), "--help"))));
        commands.put("qualisys validate --env dev, " + cacheName, concat(java, concat(cache, concat(List.of("-jar", jar.toString()), VALIDATE))));
        if (aot) {
            commands.put("qualisys validate --env dev, CDS archive", concat(java, concat(cds, concat(List.of("-jar", jar.toString()), VALIDATE))));
        }
        commands.put("qualisys --help, no cache", concat(java, List.of("-jar", jar.toString(), "--help")));
        commands.put("qualisys validate --env dev, no cache", concat(java, concat(List.of("-jar", jar.toString()), VALIDATE)));
        // What a user types: the script picks the JDK, checks the jar is current, makes or reuses its cache.
        commands.put("./qualisys validate --env dev (the script)", concat(List.of(root.resolve("qualisys").toString()), VALIDATE));
        run(root, commands.get("./qualisys validate --env dev (the script)")); // makes the script's cache, untimed
        Map<String, List<Exit>> exits = new LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            commands.forEach((name, command) -> exits.computeIfAbsent(name, k -> new ArrayList<>()).add(run(root, command)));
        }

        Timings baseline = Timings.of(exits.get("trivial JVM (baseline)").stream().map(Exit::ms).toList());
        StringBuilder out = new StringBuilder(String.format("%nCLI start-up, %d launches each, interleaved; %s; java %s; load average %.2f%n",
                RUNS, JVM_OPTIONS, Runtime.version(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.append(String.format("%-46s %22s %20s%n", "command", "ms to exit", "x trivial JVM"));
        exits.forEach((name, list) -> {
            Timings t = Timings.of(list.stream().map(Exit::ms).toList());
            out.append(String.format("%-46s %22s %20s%n", name, t.describe(0),
                    t.describeRatioTo(baseline.median())));
        });
        System.out.println(out);
        List<String> failures = new ArrayList<>();
        exits.forEach((name, list) -> list.forEach(e -> {
            if (e.code() != 0) failures.add(name + ": exit " + e.code());
            if (!e.stderr().isBlank()) failures.add(name + ": wrote to stderr: " + e.stderr().strip());
        }));
        assertThat(failures).as("every command succeeds with nothing on stderr").isEmpty();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Exit run(Path dir, List<String> command) {
        try {
            Path err = Files.createTempFile("cli-stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.endsWith("JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            double ms = (System.nanoTime() - start) / 1e6;
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(err);
            return new Exit(ms, p.exitValue(), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
