package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.testing.FunctionPackage;
import com.qualisys.controlplane.testing.Timings;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cold start of each Lambda function of {@link FunctionCatalog}: a fresh JVM per launch, with
 * the function package as its classpath (see {@link FunctionPackage}) and the environment
 * variables the CDK app sets, pointed at LocalAws; time from process start to the handler's first
 * response to a representative input ({@link ColdStartStage}), and the second invocation in the
 * same JVM (warm). Each launch runs under the JVM's default JIT and under
 * {@code -XX:TieredStopAtLevel=1} (C1 only, the Lambda Java runtimes' default). Baselines from
 * the same run, interleaved with the launches: a fresh JVM running a trivial main class (same
 * flags, same classpath) for the cold figures, and a bare sts:GetCallerIdentity round trip from
 * this JVM for the warm ones.
 *
 * <p>Fails when a launch gives no answer (crash, timeout), when a representative input is answered
 * with an error (the figure would be for the wrong path), or when a database password appears in
 * a child's output; never on time.
 *
 * <p>Not part of the build (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions test -Dtest=ColdStartBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dqualisys.bench.coldRuns=N}, default 2 launches per function and JIT mode).
 */
class ColdStartBenchmark {
    private static final int RUNS = Integer.getInteger("qualisys.bench.coldRuns", 2);
    /** Trivial JVMs per round and JIT mode: they are cheap, and one alone is as noisy as the machine. */
    private static final int BASELINE_LAUNCHES = 3;
    private static final int STS_CALLS = 25;
    private static final long LAUNCH_TIMEOUT_SECONDS = 120;

    enum Jit {
        DEFAULT("default", List.of()),
        C1_ONLY("C1 only", List.of("-XX:TieredStopAtLevel=1"));

        final String label;
        final List<String> flags;

        Jit(String label, List<String> flags) {
            this.label = label;
            this.flags = flags;
        }
    }

    /** One child JVM: when its marker lines arrived (ms after process start) and what the handler said. */
    record Launch(double toMainMs, double toFirstResponseMs, double firstInvokeMs, double warmInvokeMs, String firstOutcome,
                  String warmOutcome) {
        boolean answered() {
            return firstOutcome != null;
        }
    }

    @Test
    void coldStartOfEveryFunction() {
        FunctionPackage pkg = FunctionPackage.locate();
        Path work = FunctionPackage.workDirectory().resolve("cold-start");
        deleteTree(work.resolve("logs"));
        String classpath = copyProbe(work.resolve("probe")) + java.io.File.pathSeparator + pkg.classpath();
        ColdStartStage stage = ColdStartStage.build();
        Map<FunctionCatalog, List<Path>> inputs = new LinkedHashMap<>();
        List<FunctionCatalog> absent = new ArrayList<>();
        stage.cases().values().forEach(c -> {
            if (isBuilt(c.function())) inputs.put(c.function(), ColdStartStage.write(c, work.resolve("inputs")));
            else absent.add(c.function());
        });

        Map<Jit, List<Launch>> baselines = new LinkedHashMap<>();
        Map<FunctionCatalog, Map<Jit, List<Launch>>> launches = new LinkedHashMap<>();
        List<Double> sts = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            for (Jit jit : Jit.values()) {
                List<String> java = javaCommand(jit, classpath);
                List<String> trivial = new ArrayList<>(java);
                trivial.add("--trivial");
                for (int b = 0; b < BASELINE_LAUNCHES; b++) {
                    baselines.computeIfAbsent(jit, k -> new ArrayList<>())
                            .add(launch(trivial, Map.of(), work.resolve("logs/baseline-" + jit.name() + "-" + run + "-" + b + ".log")));
                }
                for (var e : inputs.entrySet()) {
                    List<String> command = new ArrayList<>(java);
                    command.add(e.getKey().handler());
                    e.getValue().forEach(p -> command.add(p.toString()));
                    Launch l = launch(command, stage.environmentVariables(e.getKey()),
                            work.resolve("logs/" + e.getKey().functionName() + "-" + jit.name() + "-" + run + ".log"));
                    stage.releaseLeases();
                    launches.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).computeIfAbsent(jit, k -> new ArrayList<>()).add(l);
                }
            }
            for (int i = 0; i < 5; i++) stage.aws().sts().getCallerIdentity();
            sts.add(Timings.repeat(STS_CALLS, () -> stage.aws().sts().getCallerIdentity()).median());
        }

        System.out.println(report(pkg, stage, baselines, launches, Timings.of(sts), absent));
        List<String> failures = new ArrayList<>();
        launches.forEach((f, byJit) -> byJit.forEach((jit, list) -> list.forEach(l -> {
            if (!l.answered()) failures.add(f.functionName() + " (" + jit.label + "): no response; see " + work.resolve("logs"));
            else if (stage.cases().get(f).representative() && !l.firstOutcome().startsWith("ok")) {
                failures.add(f.functionName() + " (" + jit.label + "): answered its representative input with " + l.firstOutcome());
            }
        })));
        failures.addAll(secretsIn(work.resolve("logs"), stage.secrets()));
        assertThat(failures).as("every function answers its input in a fresh JVM, and no secret reaches its output").isEmpty();
    }

    /** The children's whole output (logs and results) is kept per launch; a database password in it is a leak. */
    private static List<String> secretsIn(Path logs, List<String> secrets) {
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (secrets.stream().anyMatch(text::contains)) leaks.add(f.getFileName() + ": contains a database password");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return leaks;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBuilt(FunctionCatalog f) {
        try {
            Class.forName(f.handler(), false, ColdStartBenchmark.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static List<String> javaCommand(Jit jit, String classpath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jit.flags);
        command.add("-cp");
        command.add(classpath);
        command.add(ColdStartProbe.class.getName());
        return command;
    }

    /** Copies the probe's class files out of test-classes, so the child sees no other test class or resource. */
    static Path copyProbe(Path dir) {
        try {
            Path classes = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String pkg = ColdStartProbe.class.getPackageName().replace('.', '/');
            Path target = dir.resolve(pkg);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith(ColdStartProbe.class.getSimpleName())).toList()) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Launch launch(List<String> command, Map<String, String> variables, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("QUALISYS_") || k.endsWith("JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS"));
        env.putAll(variables);
        Double toMain = null;
        Double toFirst = null;
        Double firstInvoke = null;
        Double warmInvoke = null;
        String first = null;
        String warm = null;
        try {
            Files.createDirectories(log.getParent());
            long start = System.nanoTime();
            Process p = pb.start();
            Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(LAUNCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            });
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 BufferedWriter out = Files.newBufferedWriter(log)) {
                for (String line; (line = in.readLine()) != null; ) {
                    double at = (System.nanoTime() - start) / 1e6;
                    out.write(line);
                    out.newLine();
                    if (!line.startsWith(ColdStartProbe.MARK)) continue;
                    String[] f = line.substring(ColdStartProbe.MARK.length()).split(" ", 4);
                    if (f[0].equals("main")) {
                        toMain = at;
                    } else if (f[0].equals("response") && f[1].equals("1")) {
                        toFirst = at;
                        firstInvoke = Long.parseLong(f[2]) / 1e6;
                        first = f[3];
                    } else if (f[0].equals("response") && f[1].equals("2")) {
                        warmInvoke = Long.parseLong(f[2]) / 1e6;
                        warm = f[3];
                    }
                }
            }
            p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Launch(orNaN(toMain), orNaN(toFirst), orNaN(firstInvoke), orNaN(warmInvoke), first, warm);
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static String report(FunctionPackage pkg, ColdStartStage stage, Map<Jit, List<Launch>> baselines,
                                 Map<FunctionCatalog, Map<Jit, List<Launch>>> launches, Timings sts, List<FunctionCatalog> absent) {
        StringBuilder out = new StringBuilder();
        out.append("\nCold start of each function: ").append(RUNS).append(" fresh JVMs per function and JIT mode, interleaved with the baselines\n")
                .append("package: ").append(pkg.description()).append('\n')
                .append("java: ").append(System.getProperty("java.home")).append(" (").append(Runtime.version()).append("); ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                .append(String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())).append('\n');
        baselines.forEach((jit, list) -> out.append(String.format("baseline JVM, trivial main (%s JIT): %s ms to its first line (%d launches)%n",
                jit.label, stat(list, Launch::toFirstResponseMs).describe(0), list.size())));
        out.append(String.format("baseline round trip, sts:GetCallerIdentity from the test JVM: %s ms%n%n", sts.describe(1)));
        out.append(String.format("%-15s %-8s %22s %18s %9s %20s %20s %10s%n", "function", "JIT", "first response ms", "x JVM baseline",
                "to main", "1st invocation ms", "warm 2nd ms", "warm x STS"));
        launches.forEach((f, byJit) -> byJit.forEach((jit, list) -> {
            double baseline = stat(baselines.get(jit), Launch::toFirstResponseMs).median();
            Timings cold = stat(list, Launch::toFirstResponseMs);
            Timings warm = stat(list, Launch::warmInvokeMs);
            out.append(String.format("%-15s %-8s %22s %18s %9.0f %20s %20s %10.1f%n", f.functionName(), jit.label, cold.describe(0),
                    String.format("%.1f (%.1f..%.1f)", cold.median() / baseline, cold.min() / baseline, cold.max() / baseline),
                    stat(list, Launch::toMainMs).median(), stat(list, Launch::firstInvokeMs).describe(0), warm.describe(1),
                    warm.median() / sts.median()));
        }));
        out.append("\nInputs, and what the last launch answered:\n");
        launches.forEach((f, byJit) -> {
            List<Launch> list = byJit.values().iterator().next();
            Launch last = list.get(list.size() - 1);
            out.append(String.format("  %-15s %s%n      1st: %s%n      2nd: %s%n", f.functionName(), stage.cases().get(f).input(),
                    abbreviate(last.firstOutcome()), abbreviate(last.warmOutcome())));
        });
        absent.forEach(f -> out.append(String.format("  %-15s not measured: %s is not built on this branch%n", f.functionName(), f.handler())));
        return out.toString();
    }

    private static Timings stat(List<Launch> launches, Function<Launch, Double> value) {
        return Timings.of(launches.stream().map(value).toList());
    }

    private static String abbreviate(String s) {
        if (s == null) return "(no response)";
        return s.length() > 140 ? s.substring(0, 140) + "…" : s;
    }
}
