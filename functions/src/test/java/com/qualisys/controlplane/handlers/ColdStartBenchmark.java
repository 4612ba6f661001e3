package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.testing.FunctionPackage;
import com.qualisys.controlplane.testing.Timings;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cold start of each Lambda function of {@link FunctionCatalog}, each from ITS OWN deployment package
 * (built by the packager the build runs, {@code functions/src/packaging}, and unpacked: nothing from the
 * build's classpath but the probe): a fresh JVM per launch with the environment variables the CDK app
 * sets, pointed at LocalAws; time from process start to the handler's first response to a representative
 * input ({@link ColdStartStage}), and the second invocation in the same JVM (warm). Launches run with
 * {@code -XX:TieredStopAtLevel=1} (C1 only, the Lambda Java runtimes' default), once without and once
 * with an application class-data-sharing archive of the function (made by one training launch of the
 * same input, {@code -XX:ArchiveClassesAtExit}; CDS archives classes from jars only, so in that mode the
 * package's own classes and the probe are jarred first: what CDS would save, see docs/benchmarks.md for why
 * the deployed functions rely on SnapStart instead), once with an ahead-of-time cache from the same jars (JDK 24 and
 * later, {@code -XX:AOTCacheOutput} in a training launch; on older JDKs that mode is left out), and once primed: the function's SnapStart hook run first in the
 * same JVM, the first invocation after it standing for a restored function's first call, and with {@code
 * -Dqualisys.bench.restore=true} once restored: the primed JVM checkpointed with CRIU ({@link Criu}) and each launch a
 * restore of it followed by its first invocation. Baselines from the same run, interleaved with the
 * launches: a fresh JVM running a trivial main class (same flags) for the cold figures, and a bare
 * sts:GetCallerIdentity round trip from this JVM for the warm ones. Each function's package size is
 * reported beside it, with the targets of issue 16 (small functions 8x the trivial JVM and 15 MB, layer
 * functions 15x).
 *
 * <p>Fails when a launch gives no answer (crash, timeout), when a representative input is answered
 * with an error (the figure would be for the wrong path), or when a database password appears in
 * a child's output; never on time.
 *
 * <p>Not part of the build (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions test -Dtest=ColdStartBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dqualisys.bench.coldRuns=N}, default 2 launches per function and mode; {@code
 * -Dqualisys.bench.functions=Lock,Notify} for some functions only; {@code -Dqualisys.bench.childOptions="..."} adds
 * JVM options to every timed launch, the trivial JVM's and the checkpointed JVM's included, {@code {launch}} standing
 * for its name, e.g. a profiler's output file; {@code -Dqualisys.bench.memoryMb=N} sizes every child JVM as in a Lambda
 * function of N MB; {@code -Dqualisys.bench.cpuShare=true}, with it, also gives them the CPU Lambda gives such a function
 * ({@link CpuShare}); {@code -Dqualisys.bench.dropCaches=true}, with the restored mode, also restores with nothing in
 * the page cache).
 */
class ColdStartBenchmark {
    private static final int RUNS = Integer.getInteger("qualisys.bench.coldRuns", 2);
    /** {@code -Dqualisys.bench.functions=Lock,Notify}: only these (function names); all by default. */
    private static final String ONLY = System.getProperty("qualisys.bench.functions", "");
    /** {@code -Dqualisys.bench.childOptions="-XX:StartFlightRecording=..."}: JVM options for every function launch. */
    private static final String CHILD_OPTIONS = System.getProperty("qualisys.bench.childOptions", "");
    /** {@code -Dqualisys.bench.restore=true}: also checkpoint each primed function and time its restores (CRIU, root). */
    private static final boolean RESTORE = Boolean.getBoolean("qualisys.bench.restore");
    /**
     * {@code -Dqualisys.bench.dropCaches=true}, with {@link #RESTORE}: after the other launches, restore each function
     * once per run with the page cache dropped first, its images read from disk as a snapshot's are fetched on a
     * SnapStart restore (root).
     */
    private static final boolean DROP_CACHES = RESTORE && Boolean.getBoolean("qualisys.bench.dropCaches");
    /**
     * {@code -Dqualisys.bench.memoryMb=N}: every child JVM sized as in a Lambda function of N MB, which is all the
     * memory its JVM sees: heap from N MB rather than this host's memory, and under 1,792 MB the serial collector, which
     * the JVM's ergonomics choose on such a machine (here they would not, so it is named). 0, the default: the host's.
     */
    private static final int MEMORY_MB = Integer.getInteger("qualisys.bench.memoryMb", 0);
    /**
     * {@code -Dqualisys.bench.cpuShare=true}, with {@link #MEMORY_MB}: every child process, the trivial JVM's and the restored
     * ones included, runs under the CPU quota of a Lambda function of that memory ({@link CpuShare}; root).
     */
    private static final boolean CPU_SHARE = Boolean.getBoolean("qualisys.bench.cpuShare");
    /** The quota the children run under, for this run; null without {@link #CPU_SHARE}. */
    private static CpuShare cpuShare;
    /** Trivial JVMs per round: they are cheap, and one alone is as noisy as the machine. */
    private static final int BASELINE_LAUNCHES = 3;
    private static final int STS_CALLS = 25;
    private static final long LAUNCH_TIMEOUT_SECONDS = 120;
    static final List<String> C1_ONLY = List.of("-XX:TieredStopAtLevel=1");
    /** The functions issue 16 calls small: 8x the trivial JVM and 15 MB; the others (layer functions) 15x. */
    static final java.util.Set<FunctionCatalog> SMALL = java.util.EnumSet.of(FunctionCatalog.LOCK, FunctionCatalog.REPORT,
            FunctionCatalog.NOTIFY, FunctionCatalog.BUDGET_ALERT);

    enum Mode {
        C1("C1 only"),
        C1_CDS("C1 + AppCDS", new Cache("jsa", file -> List.of("-XX:ArchiveClassesAtExit=" + file, "-Xlog:cds*=off"),
                file -> List.of("-XX:SharedArchiveFile=" + file, "-Xlog:cds*=off"))),
        /**
         * JDK 24+'s ahead-of-time cache ({@code -XX:AOTCacheOutput} in a training launch of the same input: classes
         * loaded and linked, method profiles), from the same jars as the CDS mode: what a runtime that starts its own JVM
         * could use; not Lambda's managed runtime (docs/benchmarks.md).
         */
        C1_AOT("C1 + AOT cache", new Cache("aot", file -> List.of("-XX:AOTCacheOutput=" + file, "-Xlog:aot*=off", "-Xlog:cds*=off"),
                file -> List.of("-XX:AOTCache=" + file, "-Xlog:aot*=off", "-Xlog:cds*=off"))),
        /**
         * The SnapStart hook ({@link Priming}) run first in the same JVM, as Lambda runs it before the snapshot: its first
         * invocation is what a restored function's first call costs after the restore (which is Lambda's, not measured).
         */
        C1_PRIMED("C1, primed"),
        /**
         * The primed JVM checkpointed (CRIU) where it would wait for its first invocation, and restored: a launch is the
         * restore and the first invocation, what a CRaC JVM's restore costs (SnapStart restores a microVM instead).
         */
        C1_RESTORED("C1, restored"),
        /** As {@link #C1_RESTORED}, the page cache dropped before each restore: the images come from disk. */
        C1_RESTORED_UNCACHED("C1, restored, nothing cached");

        final String label;
        /** The class cache a fresh JVM of this mode starts with, made by a training launch; null for none. */
        final Cache cache;

        Mode(String label) {
            this(label, null);
        }

        Mode(String label, Cache cache) {
            this.label = label;
            this.cache = cache;
        }

        /** A fresh JVM's start to the first response (the first table); the other modes have tables of their own. */
        boolean fresh() {
            return this == C1 || cache != null;
        }
    }

    /**
     * A class cache made by one training launch of the function's input and used by the launches after it, from the
     * package jarred (caches hold classes from jars only): its file's extension, the options that write it at the training
     * launch's exit, and those that start a JVM with it.
     */
    record Cache(String extension, Function<Path, List<String>> training, Function<Path, List<String>> use) {}

    /**
     * One child JVM: when its marker lines arrived (ms after process start, or after the restore began) and what the handler
     * said. {@code toMainMs} is, for a restore, when the restored process ran again.
     */
    record Launch(double toMainMs, double toFirstResponseMs, double firstInvokeMs, double warmInvokeMs, String firstOutcome,
                  String warmOutcome) {
        boolean answered() {
            return firstOutcome != null;
        }
    }

    @BeforeAll
    static void shareCpuAsLambda() {
        if (CPU_SHARE) cpuShare = CpuShare.ofLambdaMemory(MEMORY_MB);
    }

    @AfterAll
    static void releaseCpuShare() {
        if (cpuShare != null) cpuShare.close();
    }

    @Test
    void coldStartOfEveryFunctionFromItsOwnPackage() throws IOException {
        Path work = FunctionPackage.workDirectory().resolve("cold-start");
        deleteTree(work);
        Path probe = copyProbe(work.resolve("probe"));
        Path packages = FunctionPackagesTest.build(FunctionPackagesTest.MANIFEST, work.resolve("packages"));
        ColdStartStage stage = ColdStartStage.build();
        Map<FunctionCatalog, List<Path>> inputs = new LinkedHashMap<>();
        Map<FunctionCatalog, String> classpaths = new LinkedHashMap<>();
        Map<FunctionCatalog, String> jarredClasspaths = new LinkedHashMap<>();
        Path probeJar = jar(probe, work.resolve("jarred").resolve("probe.jar"));
        Files.createDirectories(work.resolve("cds"));
        Map<FunctionCatalog, Long> sizes = new LinkedHashMap<>();
        // The options each function's cache modes start with, for the caches their training made.
        Map<FunctionCatalog, Map<Mode, List<String>>> caches = new LinkedHashMap<>();
        Criu criu = RESTORE ? Criu.ensure() : null;
        Map<FunctionCatalog, Checkpoint> checkpoints = new LinkedHashMap<>();
        for (ColdStartStage.Case c : stage.cases().values()) {
            FunctionCatalog f = c.function();
            if (!ONLY.isBlank() && !List.of(ONLY.split(",")).contains(f.functionName())) continue;
            Path zip = packages.resolve(f.functionName() + ".zip");
            Path unpacked = work.resolve("unpacked").resolve(f.functionName());
            FunctionPackage.unpack(zip, unpacked);
            sizes.put(f, FunctionPackage.size(zip));
            classpaths.put(f, FunctionPackage.classpath(probe, unpacked));
            // Class caches hold only classes from jars: for those modes the package's own classes and the probe go in jars.
            jarredClasspaths.put(f, FunctionPackage.classpath(probeJar, jar(unpacked, work.resolve("jarred").resolve(f.functionName() + ".jar")), unpacked));
            inputs.put(f, ColdStartStage.write(c, work.resolve("inputs")));
            // The training launches: the classes this input loads, written to each mode's cache at exit. A JDK that has
            // no such cache writes none, and its mode is left out.
            for (Mode mode : Mode.values()) {
                if (mode.cache == null) continue;
                Path file = work.resolve("cds").resolve(f.functionName() + "." + mode.cache.extension());
                train(f, mode, mode.cache.training().apply(file), jarredClasspaths.get(f), inputs.get(f), stage, work);
                if (Files.isRegularFile(file)) caches.computeIfAbsent(f, k -> new LinkedHashMap<>()).put(mode, mode.cache.use().apply(file));
            }
            if (criu != null) {
                checkpoints.put(f, checkpoint(criu, f, classpaths.get(f), inputs.get(f), stage, work.resolve("checkpoints").resolve(f.functionName()),
                        work.resolve("logs/" + f.functionName() + "-checkpoint.log")));
            }
        }

        // The probe's own classes need the Lambda interface: the baseline runs with Lock's package on its classpath,
        // whichever functions are measured.
        Path lockPackage = work.resolve("unpacked").resolve(FunctionCatalog.LOCK.functionName());
        if (!classpaths.containsKey(FunctionCatalog.LOCK)) FunctionPackage.unpack(packages.resolve(FunctionCatalog.LOCK.functionName() + ".zip"), lockPackage);
        String baselineClasspath = FunctionPackage.classpath(probe, lockPackage);
        List<Launch> baselines = new ArrayList<>();
        Map<FunctionCatalog, Map<Mode, List<Launch>>> launches = new LinkedHashMap<>();
        List<Double> sts = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            for (int b = 0; b < BASELINE_LAUNCHES; b++) {
                String name = "baseline-" + run + "-" + b;
                baselines.add(launch(trivialCommand(name, baselineClasspath), Map.of(), work.resolve("logs/" + name + ".log")));
            }
            for (var e : inputs.entrySet()) {
                FunctionCatalog f = e.getKey();
                for (Mode mode : Mode.values()) {
                    if (mode.cache != null && !caches.getOrDefault(f, Map.of()).containsKey(mode)) continue;
                    if (mode == Mode.C1_RESTORED_UNCACHED) continue;
                    if (mode == Mode.C1_RESTORED) {
                        if (!checkpoints.containsKey(f)) continue;
                        Launch l = restore(criu, checkpoints.get(f), work.resolve("logs/" + f.functionName() + "-" + mode.name() + "-" + run + ".log"));
                        stage.resetAfterLaunch();
                        launches.computeIfAbsent(f, k -> new LinkedHashMap<>()).computeIfAbsent(mode, k -> new ArrayList<>()).add(l);
                        continue;
                    }
                    List<String> extra = new ArrayList<>(mode.cache == null ? List.of() : caches.get(f).get(mode));
                    extra.addAll(childOptions(f.functionName() + "-" + mode.name() + "-" + run));
                    List<String> command = javaCommand(extra, (mode.cache != null ? jarredClasspaths : classpaths).get(f));
                    if (mode == Mode.C1_PRIMED) command.add("--prime");
                    command.add(f.handler());
                    e.getValue().forEach(p -> command.add(p.toString()));
                    Launch l = launch(command, stage.environmentVariables(f),
                            work.resolve("logs/" + f.functionName() + "-" + mode.name() + "-" + run + ".log"));
                    stage.resetAfterLaunch();
                    launches.computeIfAbsent(f, k -> new LinkedHashMap<>()).computeIfAbsent(mode, k -> new ArrayList<>()).add(l);
                }
            }
            for (int i = 0; i < 5; i++) stage.aws().sts().getCallerIdentity();
            sts.add(Timings.repeat(STS_CALLS, () -> stage.aws().sts().getCallerIdentity()).median());
        }
        // Last, so that no launch above finds the page cache emptied by one of these.
        List<Launch> uncachedBaselines = new ArrayList<>();
        for (int run = 0; DROP_CACHES && run < RUNS; run++) {
            dropPageCache();
            String name = "baseline-uncached-" + run;
            uncachedBaselines.add(launch(trivialCommand(name, baselineClasspath), Map.of(), work.resolve("logs/" + name + ".log")));
            for (var e : checkpoints.entrySet()) {
                dropPageCache();
                Launch l = restore(criu, e.getValue(),
                        work.resolve("logs/" + e.getKey().functionName() + "-" + Mode.C1_RESTORED_UNCACHED.name() + "-" + run + ".log"));
                stage.resetAfterLaunch();
                launches.get(e.getKey()).computeIfAbsent(Mode.C1_RESTORED_UNCACHED, k -> new ArrayList<>()).add(l);
            }
        }

        System.out.println(report(stage, baselines, uncachedBaselines, launches, sizes, checkpoints, Timings.of(sts)));
        List<String> failures = new ArrayList<>();
        launches.forEach((f, byMode) -> byMode.forEach((mode, list) -> list.forEach(l -> {
            if (!l.answered()) failures.add(f.functionName() + " (" + mode.label + "): no response; see " + work.resolve("logs"));
            else if (stage.cases().get(f).representative() && !l.firstOutcome().startsWith("ok")) {
                failures.add(f.functionName() + " (" + mode.label + "): answered its representative input with " + l.firstOutcome());
            }
        })));
        failures.addAll(secretsIn(work.resolve("logs"), stage.secrets()));
        assertThat(failures).as("every function answers its input in a fresh JVM, and no secret reaches its output").isEmpty();
    }

    /** A training launch of a function on its input, with the options that make it write a mode's cache at exit. */
    private static void train(FunctionCatalog f, Mode mode, List<String> options, String classpath, List<Path> input, ColdStartStage stage,
                              Path work) {
        List<String> command = javaCommand(options, classpath);
        command.add(f.handler());
        input.forEach(p -> command.add(p.toString()));
        launch(command, stage.environmentVariables(f), work.resolve("logs/" + f.functionName() + "-" + mode.name() + "-training.log"));
        stage.resetAfterLaunch();
    }

    /**
     * A primed function's JVM, checkpointed where it waits for its first invocation: its images, its pid (a restore gives
     * it back), the file it writes its output to and that file's length at the checkpoint, and the file whose existence
     * is the invocation's arrival.
     */
    record Checkpoint(Path images, long pid, Path output, long outputLength, Path arrival) {}

    /** Launches the function primed, as the primed mode does, and checkpoints it once it waits for its first invocation. */
    private static Checkpoint checkpoint(Criu criu, FunctionCatalog f, String classpath, List<Path> inputs, ColdStartStage stage, Path dir,
                                         Path log) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        Path arrival = dir.resolve("invocation-arrived");
        // No hsperfdata file: a memory-mapped file in /tmp that the JVM deletes at exit would not be there to restore.
        List<String> options = new ArrayList<>(List.of("-XX:-UsePerfData", "-D" + ColdStartProbe.AWAIT_RESTORE + "=" + arrival));
        options.addAll(childOptions(f.functionName() + "-checkpoint"));
        List<String> command = javaCommand(options, classpath);
        command.add("--prime");
        command.add(f.handler());
        inputs.forEach(p -> command.add(p.toString()));
        // Output to a file, not a pipe to this JVM: a restored process reopens its files by path.
        Path output = dir.resolve("output.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        childEnvironment(pb, stage.environmentVariables(f));
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LAUNCH_TIMEOUT_SECONDS);
            while (!Files.readString(output, StandardCharsets.UTF_8).contains(ColdStartProbe.MARK + "checkpoint")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(f.functionName() + ": the primed JVM did not reach its checkpoint; its output: "
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                Thread.sleep(10);
            }
            if (cpuShare != null && cpuShare.runsOutside(p.pid())) {
                throw new IllegalStateException(f.functionName() + ": the primed JVM runs outside the CPU share's cgroup");
            }
            criu.dump(p.pid(), dir.resolve("images"));
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            p.destroyForcibly();
        }
        stage.resetAfterLaunch();
        Files.createDirectories(log.getParent());
        Files.copy(output, log, StandardCopyOption.REPLACE_EXISTING);
        return new Checkpoint(dir.resolve("images"), p.pid(), output, Files.size(output), arrival);
    }

    /**
     * One restore: the invocation is there when the restore begins; times are from the restore's start to the restored
     * process running again, and to its first response (the output file followed as it grows). Waits for the process to
     * end, so that the next restore gets its pid back.
     */
    private static Launch restore(Criu criu, Checkpoint cp, Path log) throws IOException {
        try (var channel = FileChannel.open(cp.output(), StandardOpenOption.WRITE)) {
            channel.truncate(cp.outputLength());
        }
        Files.writeString(cp.arrival(), "invoke");
        Markers markers = new Markers();
        StringBuilder lines = new StringBuilder();
        long start = System.nanoTime();
        criu.restore(cp.images(), "restore-" + log.getFileName() + ".log");
        markers.ranAgainAt((System.nanoTime() - start) / 1e6);
        if (cpuShare != null && cpuShare.runsOutside(cp.pid())) {
            throw new IllegalStateException("the restored process " + cp.pid() + " runs outside the CPU share's cgroup: its figure would be unthrottled");
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(LAUNCH_TIMEOUT_SECONDS);
        long read = cp.outputLength();
        String partial = "";
        try (var in = new RandomAccessFile(cp.output().toFile(), "r")) {
            while (System.nanoTime() < deadline) {
                boolean alive = isRunning(cp.pid());
                long length = in.length();
                if (length > read) {
                    byte[] bytes = new byte[(int) (length - read)];
                    in.seek(read);
                    in.readFully(bytes);
                    read = length;
                    String text = partial + new String(bytes, StandardCharsets.UTF_8);
                    int end = text.lastIndexOf('\n');
                    partial = text.substring(end + 1);
                    double at = (System.nanoTime() - start) / 1e6;
                    for (String line : text.substring(0, end + 1).split("\n")) {
                        lines.append(line).append('\n');
                        markers.read(line, at);
                    }
                }
                if (!alive && length == read) break;
                Thread.sleep(1);
            }
            while (isRunning(cp.pid()) && System.nanoTime() < deadline) Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(cp.arrival());
        }
        if (isRunning(cp.pid())) throw new IllegalStateException("the restored process " + cp.pid() + " did not end: see " + cp.output());
        Files.createDirectories(log.getParent());
        Files.writeString(log, lines + partial);
        return markers.launch();
    }

    /** Whether the process runs (a zombie, ended but not yet reaped, still holds its pid: it counts as running). */
    private static boolean isRunning(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    private static String restoredTable(Map<FunctionCatalog, Map<Mode, List<Launch>>> launches, Map<FunctionCatalog, Checkpoint> checkpoints,
                                        double baseline, Mode mode) {
        StringBuilder out = new StringBuilder();
        if (!RESTORE) {
            return out.append(String.format("%nRestores not measured: -Dqualisys.bench.restore=true checkpoints each primed function with CRIU "
                    + "and times its restores (root; scripts/ensure-criu.sh builds CRIU)%n")).toString();
        }
        out.append(String.format("%n%s (CRIU checkpoint of the primed JVM, as a CRaC JVM restores; SnapStart restores a microVM "
                + "snapshot instead): from the restore's start, the invocation waiting%s%n", mode.label,
                mode == Mode.C1_RESTORED_UNCACHED ? "; the page cache dropped before each restore" : ""));
        out.append(String.format("%-15s %9s %16s %24s %20s %7s %20s %20s%n", "function", "images", "restore ms", "restore + 1st response ms",
                "x JVM baseline", "target", "1st invocation ms", "warm 2nd ms"));
        launches.forEach((f, byMode) -> {
            List<Launch> list = byMode.get(mode);
            if (list == null) return;
            Timings cold = stat(list, Launch::toFirstResponseMs);
            out.append(String.format("%-15s %6.0f MB %16s %24s %20s %7s %20s %20s%n", f.functionName(), FunctionPackage.bytesUnder(checkpoints.get(f).images(), any -> true) / 1e6,
                    stat(list, Launch::toMainMs).describe(0), cold.describe(0), cold.describeRatioTo(baseline), (SMALL.contains(f) ? "8x" : "15x"),
                    stat(list, Launch::firstInvokeMs).describe(0), stat(list, Launch::warmInvokeMs).describe(1)));
        });
        return out.toString();
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

    /** A child JVM's command (in the CPU share's cgroup, with {@link #CPU_SHARE}); arguments may be added to it. */
    static List<String> javaCommand(List<String> extra, String classpath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childJvmOptions());
        command.addAll(extra);
        command.add("-cp");
        command.add(classpath);
        command.add(ColdStartProbe.class.getName());
        return cpuShare == null ? command : cpuShare.wrap(command);
    }

    /**
     * What every child JVM runs with: C1 only, and sized as {@code -Dqualisys.bench.memoryMb} says. Under a CPU share the
     * JVM is told the host's processor count, which it would otherwise lower to the quota's: the quota throttles it, as
     * a hypervisor's share would, without changing its ergonomics.
     */
    private static List<String> childJvmOptions() {
        List<String> share = cpuShare == null ? List.of() : List.of("-XX:ActiveProcessorCount=" + Runtime.getRuntime().availableProcessors());
        return Stream.of(C1_ONLY, lambdaSizing(MEMORY_MB), share).flatMap(List::stream).toList();
    }

    /** A trivial JVM, the baseline, with the child options of the launch named. */
    private static List<String> trivialCommand(String launch, String classpath) {
        List<String> command = javaCommand(childOptions(launch), classpath);
        command.add("--trivial");
        return command;
    }

    /** The JVM options that size a JVM as Lambda's would be sized in a function of {@code memoryMb} (none for 0). */
    static List<String> lambdaSizing(int memoryMb) {
        if (memoryMb <= 0) return List.of();
        // HotSpot's ergonomics take a machine of less than 1,792 MB for a client: the serial collector.
        return memoryMb < 1792 ? List.of("-XX:MaxRAM=" + memoryMb + "m", "-XX:+UseSerialGC") : List.of("-XX:MaxRAM=" + memoryMb + "m");
    }

    /** {@code -Dqualisys.bench.childOptions}, {@code {launch}} replaced by the launch's name. */
    private static List<String> childOptions(String launch) {
        return CHILD_OPTIONS.isBlank() ? List.of() : List.of(CHILD_OPTIONS.replace("{launch}", launch).split(" "));
    }

    /** Empties the page cache (root): what was read from disk must be read from it again. */
    private static void dropPageCache() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            throw new UncheckedIOException("dropping the page cache needs root", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A jar of a directory's files, leaving out its lib/ (the package's dependency jars). */
    static Path jar(Path dir, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (var out = Files.newOutputStream(jar)) {
            FunctionPackage.zip(dir, out, true);
        }
        return jar;
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
        childEnvironment(pb, variables);
        Markers markers = new Markers();
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
                    markers.read(line, at);
                }
            }
            p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return markers.launch();
    }

    /** What a child's marker lines said ({@link ColdStartProbe#MARK}), and when they arrived (ms from its start). */
    private static final class Markers {
        private Double toMain;
        private Double toFirst;
        private Double firstInvoke;
        private Double warmInvoke;
        private String first;
        private String warm;

        void read(String line, double at) {
            if (!line.startsWith(ColdStartProbe.MARK)) return;
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

        /** A restored process prints no main marker: its "to main" is when the restore had it running again. */
        void ranAgainAt(double at) {
            toMain = at;
        }

        Launch launch() {
            return new Launch(orNaN(toMain), orNaN(toFirst), orNaN(firstInvoke), orNaN(warmInvoke), first, warm);
        }
    }

    /** The child's environment: nothing inherited that would change what it does, and the function's variables. */
    private static void childEnvironment(ProcessBuilder pb, Map<String, String> variables) {
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("QUALISYS_") || k.endsWith("JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS"));
        env.putAll(variables);
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static String report(ColdStartStage stage, List<Launch> baselines, List<Launch> uncachedBaselines,
                                 Map<FunctionCatalog, Map<Mode, List<Launch>>> launches, Map<FunctionCatalog, Long> sizes,
                                 Map<FunctionCatalog, Checkpoint> checkpoints, Timings sts) {
        StringBuilder out = new StringBuilder();
        double baseline = stat(baselines, Launch::toFirstResponseMs).median();
        out.append("\nCold start of each function from its own package: ").append(RUNS)
                .append(" fresh JVMs per function and mode (C1 only), interleaved with the baselines\n")
                .append("java: ").append(System.getProperty("java.home")).append(" (").append(Runtime.version()).append("); ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, load average ")
                .append(String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())).append('\n')
                .append("every child JVM: ")
                .append(String.join(" ", Stream.concat(childJvmOptions().stream(), childOptions("{launch}").stream()).toList()))
                .append(MEMORY_MB > 0 ? " (sized as a Lambda function of " + MEMORY_MB + " MB)" : " (sized by this host's memory)")
                .append(cpuShare == null ? ", this host's CPU" : String.format(", under %.2f of a CPU (a %d MB function's share; the quota %s)",
                        cpuShare.vcpus(), MEMORY_MB, cpuShare.throttling()))
                .append('\n');
        out.append(String.format("baseline JVM, trivial main (C1 only): %s ms to its first line (%d launches)%n",
                stat(baselines, Launch::toFirstResponseMs).describe(0), baselines.size()));
        out.append(String.format("baseline round trip, sts:GetCallerIdentity from the test JVM: %s ms%n%n", sts.describe(1)));
        out.append(String.format("%-15s %9s %-12s %22s %20s %7s %9s %20s %20s %10s%n", "function", "package", "mode", "first response ms",
                "x JVM baseline", "target", "to main", "1st invocation ms", "warm 2nd ms", "warm x STS"));
        launches.forEach((f, byMode) -> byMode.forEach((mode, list) -> {
            if (!mode.fresh()) return;
            Timings cold = stat(list, Launch::toFirstResponseMs);
            Timings warm = stat(list, Launch::warmInvokeMs);
            out.append(String.format("%-15s %6.1f MB %-12s %22s %20s %7s %9.0f %20s %20s %10.1f%n", f.functionName(), sizes.get(f) / 1e6,
                    mode.label, cold.describe(0),
                    cold.describeRatioTo(baseline),
                    (SMALL.contains(f) ? "8x" : "15x"), stat(list, Launch::toMainMs).median(), stat(list, Launch::firstInvokeMs).describe(0),
                    warm.describe(1), warm.median() / sts.median()));
        }));
        out.append(String.format("%nAfter SnapStart's priming (the hook run first in the same JVM, as before a snapshot): the first invocation, "
                + "what a restored function's first call costs after the restore itself (timed with it below, with -Dqualisys.bench.restore=true)%n"));
        out.append(String.format("%-15s %20s %20s %7s %20s %24s%n", "function", "1st invocation ms", "x JVM baseline", "target", "warm 2nd ms",
                "priming ms (at publish)"));
        launches.forEach((f, byMode) -> {
            List<Launch> list = byMode.get(Mode.C1_PRIMED);
            if (list == null) return;
            Timings first = stat(list, Launch::firstInvokeMs);
            out.append(String.format("%-15s %20s %20s %7s %20s %24s%n", f.functionName(), first.describe(0),
                    first.describeRatioTo(baseline),
                    (SMALL.contains(f) ? "8x" : "15x"), stat(list, Launch::warmInvokeMs).describe(1),
                    // From main to the first response, less that response's invocation: the hook (and reading the input).
                    stat(list, l -> l.toFirstResponseMs() - l.toMainMs() - l.firstInvokeMs()).describe(0)));
        });
        out.append(restoredTable(launches, checkpoints, baseline, Mode.C1_RESTORED));
        if (DROP_CACHES) {
            out.append(String.format("%nThe trivial JVM with the page cache dropped: %s ms to its first line (%d launches)%n",
                    stat(uncachedBaselines, Launch::toFirstResponseMs).describe(0), uncachedBaselines.size()));
            out.append(restoredTable(launches, checkpoints, baseline, Mode.C1_RESTORED_UNCACHED));
        }
        out.append("\nInputs, and what the last launch answered:\n");
        launches.forEach((f, byMode) -> {
            List<Launch> list = byMode.values().iterator().next();
            Launch last = list.get(list.size() - 1);
            out.append(String.format("  %-15s %s%n      1st: %s%n      2nd: %s%n", f.functionName(), stage.cases().get(f).input(),
                    abbreviate(last.firstOutcome()), abbreviate(last.warmOutcome())));
        });
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
