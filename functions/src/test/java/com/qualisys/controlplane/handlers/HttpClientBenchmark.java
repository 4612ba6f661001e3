package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.HttpClientChoice;
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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SDK's three synchronous HTTP clients compared where the choice matters, in a function's cold start: each
 * measured function's own package (as the build makes it, with the URL-connection client), and the same package
 * with that client's module swapped for the Apache client's (with httpclient, httpcore, commons-logging,
 * commons-codec) or the CRT client's (with the aws-crt native library). {@link HttpClientChoice} makes every AWS
 * client on whichever one the package ships. Per variant: the package size (zipped as the packager zips), the
 * classes the first response loads, and the fresh-JVM time to the first response (C1 only, as in Lambda),
 * as a ratio to a trivial JVM launched in the same rounds. The variants are interleaved launch by launch.
 *
 * <p>Fails when a variant does not answer its input with ok, or when its class-loading log shows that another
 * HTTP client than the variant's served the calls; never on time. Not part of the build; run:
 * {@code ./mvnw -q -pl functions -am test -Dtest=HttpClientBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dqualisys.bench.coldRuns=N}, default 3 launches per function and client).
 */
class HttpClientBenchmark {
    private static final int RUNS = Integer.getInteger("qualisys.bench.coldRuns", 3);
    private static final int BASELINE_LAUNCHES = 2;
    /** Few-call functions (the small ones) and the call-heaviest (a drift check of a layer). */
    private static final List<FunctionCatalog> MEASURED = List.of(FunctionCatalog.LOCK, FunctionCatalog.NOTIFY,
            FunctionCatalog.REPORT, FunctionCatalog.PLAN_LAYER);
    /** The artifacts each client brings beside the SDK core every package has. */
    private static final Map<HttpClientChoice, Set<String>> MODULES = Map.of(
            HttpClientChoice.URL_CONNECTION, Set.of("url-connection-client"),
            HttpClientChoice.APACHE, Set.of("apache-client", "httpclient", "httpcore", "commons-logging", "commons-codec"),
            HttpClientChoice.CRT, Set.of("aws-crt-client", "aws-crt", "crt-core"));
    /** A class only the variant's client loads when it serves a call. */
    private static final Map<HttpClientChoice, String> SERVING_CLASS = Map.of(
            HttpClientChoice.URL_CONNECTION, "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient$RequestCallable ",
            HttpClientChoice.APACHE, "org.apache.http.impl.client.CloseableHttpClient ",
            HttpClientChoice.CRT, "software.amazon.awssdk.crt.http.HttpClientConnectionManager ");

    record Variant(FunctionCatalog function, HttpClientChoice client, Path directory, long zipBytes, String classpath) {}

    @Test
    void urlConnectionApacheAndCrtClientsInEachFunctionsColdStart() throws IOException {
        Path work = FunctionPackage.workDirectory().resolve("http-clients");
        ColdStartBenchmark.deleteTree(work);
        Path probe = ColdStartBenchmark.copyProbe(work.resolve("probe"));
        Path packages = FunctionPackagesTest.build(FunctionPackagesTest.MANIFEST, work.resolve("packages"));
        Map<String, Path> clientJars = httpClientJars(work);
        ColdStartStage stage = ColdStartStage.build();

        List<Variant> variants = new ArrayList<>();
        Map<FunctionCatalog, List<Path>> inputs = new LinkedHashMap<>();
        for (FunctionCatalog f : MEASURED) {
            Path unpacked = work.resolve("unpacked").resolve(f.functionName());
            FunctionPackage.unpack(packages.resolve(f.functionName() + ".zip"), unpacked);
            inputs.put(f, ColdStartStage.write(stage.cases().get(f), work.resolve("inputs")));
            for (HttpClientChoice client : HttpClientChoice.values()) {
                Path dir = work.resolve("variants").resolve(f.functionName() + "-" + client.name());
                swapHttpClient(unpacked, dir, client, clientJars);
                Path zip = work.resolve("variants").resolve(f.functionName() + "-" + client.name() + ".zip");
                zip(dir, zip);
                variants.add(new Variant(f, client, dir, Files.size(zip),
                        FunctionPackage.classpath(probe, dir)));
            }
        }

        // One launch per variant with the class-loading log: which client served the calls, and how many classes it took.
        List<String> failures = new ArrayList<>();
        Map<Variant, Long> classes = new LinkedHashMap<>();
        for (Variant v : variants) {
            Path classLog = work.resolve("logs").resolve(name(v) + "-classes.log");
            ColdStartBenchmark.Launch l = ColdStartBenchmark.launch(command(v, inputs.get(v.function()), "-Xlog:class+load=info:file=" + classLog),
                    stage.environmentVariables(v.function()), work.resolve("logs").resolve(name(v) + "-classes-run.log"));
            stage.resetAfterLaunch();
            failures.addAll(problems(v, l));
            String loaded = Files.readString(classLog, StandardCharsets.UTF_8);
            classes.put(v, loaded.lines().filter(line -> line.contains(" source: ")).count());
            for (HttpClientChoice other : HttpClientChoice.values()) {
                boolean served = loaded.contains(SERVING_CLASS.get(other));
                if (other == v.client() && !served) failures.add(name(v) + ": " + other + " did not serve its calls");
                if (other != v.client() && served) failures.add(name(v) + ": " + other + " served calls instead of " + v.client());
            }
        }

        List<Double> baselines = new ArrayList<>();
        Map<Variant, List<Double>> firstResponse = new LinkedHashMap<>();
        List<String> trivial = ColdStartBenchmark.javaCommand(List.of(), variants.get(0).classpath());
        trivial.add("--trivial");
        for (int run = 0; run < RUNS; run++) {
            for (int b = 0; b < BASELINE_LAUNCHES; b++) {
                baselines.add(ColdStartBenchmark.launch(trivial, Map.of(), work.resolve("logs/baseline-" + run + "-" + b + ".log"))
                        .toFirstResponseMs());
            }
            for (Variant v : variants) {
                ColdStartBenchmark.Launch l = ColdStartBenchmark.launch(command(v, inputs.get(v.function())),
                        stage.environmentVariables(v.function()), work.resolve("logs").resolve(name(v) + "-" + run + ".log"));
                stage.resetAfterLaunch();
                failures.addAll(problems(v, l));
                firstResponse.computeIfAbsent(v, k -> new ArrayList<>()).add(l.toFirstResponseMs());
            }
        }

        System.out.println(report(variants, classes, firstResponse, Timings.of(baselines)));
        assertThat(failures).as("every variant answers its input, served by its own HTTP client").isEmpty();
    }

    private static String name(Variant v) {
        return v.function().functionName() + "-" + v.client().name();
    }

    private static List<String> command(Variant v, List<Path> inputs, String... jvmOptions) {
        List<String> command = ColdStartBenchmark.javaCommand(List.of(jvmOptions), v.classpath());
        command.add(v.function().handler());
        inputs.forEach(p -> command.add(p.toString()));
        return command;
    }

    private static List<String> problems(Variant v, ColdStartBenchmark.Launch l) {
        if (!l.answered()) return List.of(name(v) + ": no response");
        if (!l.firstOutcome().startsWith("ok")) return List.of(name(v) + ": answered " + l.firstOutcome());
        return List.of();
    }

    /** aws-clients' runtime classpath, which holds the optional Apache and CRT clients: jar file name by artifact id. */
    private static Map<String, Path> httpClientJars(Path work) {
        Path root = RepoPaths.root();
        Path listing = work.resolve("aws-clients-classpath.txt");
        FunctionPackage.run(root, List.of(root.resolve("mvnw").toString(), "-q", "-pl", "aws-clients", "dependency:build-classpath",
                "-DincludeScope=runtime", "-Dmdep.outputFile=" + listing));
        Map<String, Path> jars = new LinkedHashMap<>();
        try {
            for (String entry : Files.readString(listing, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
                Path jar = Path.of(entry);
                jars.put(artifactId(jar.getFileName().toString()), jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jars;
    }

    private static String artifactId(String jarName) {
        return jarName.replaceFirst("-\\d[^-]*(-[^-]+)?\\.jar$", "");
    }

    /** The function's unpacked package, its HTTP client module replaced by the variant's. */
    private static void swapHttpClient(Path unpacked, Path target, HttpClientChoice client, Map<String, Path> clientJars) throws IOException {
        Set<String> shipped = MODULES.get(HttpClientChoice.URL_CONNECTION);
        try (Stream<Path> files = Files.walk(unpacked)) {
            for (Path p : files.toList()) {
                Path out = target.resolve(unpacked.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(out);
                else if (!p.getParent().getFileName().toString().equals("lib") || !shipped.contains(artifactId(p.getFileName().toString()))
                        || client == HttpClientChoice.URL_CONNECTION) {
                    Files.copy(p, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (client == HttpClientChoice.URL_CONNECTION) return;
        for (String artifact : MODULES.get(client)) {
            Path jar = clientJars.get(artifact);
            if (jar == null) throw new IllegalStateException(artifact + " is not on aws-clients' classpath (its optional " + client + " client)");
            Path out = target.resolve("lib").resolve(jar.getFileName());
            if (!Files.exists(out)) Files.copy(jar, out);
        }
    }

    private static void zip(Path dir, Path zip) throws IOException {
        try (var out = Files.newOutputStream(zip)) {
            FunctionPackage.zip(dir, out, false);
        }
    }

    private static String report(List<Variant> variants, Map<Variant, Long> classes, Map<Variant, List<Double>> firstResponse,
                                 Timings baseline) {
        StringBuilder out = new StringBuilder("\nSDK HTTP clients in each function's cold start (C1 only), ").append(RUNS)
                .append(" launches per variant, interleaved; ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average ").append(String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append(String.format("%nbaseline: a trivial JVM, %s ms (%d launches)%n%n", baseline.describe(0), baseline.count()));
        out.append(String.format("%-12s %-15s %10s %8s %8s %22s %20s %12s%n", "function", "client", "package", "x url", "classes",
                "first response ms", "x trivial JVM", "x url-conn"));
        Map<FunctionCatalog, Map<HttpClientChoice, Variant>> byFunction = new LinkedHashMap<>();
        variants.forEach(v -> byFunction.computeIfAbsent(v.function(), k -> new EnumMap<>(HttpClientChoice.class)).put(v.client(), v));
        byFunction.forEach((f, byClient) -> {
            Variant url = byClient.get(HttpClientChoice.URL_CONNECTION);
            double urlMedian = Timings.of(firstResponse.get(url)).median();
            byClient.forEach((client, v) -> {
                Timings t = Timings.of(firstResponse.get(v));
                out.append(String.format("%-12s %-15s %7.2f MB %8.2f %8d %22s %20s %12.2f%n", f.functionName(), client, v.zipBytes() / 1e6,
                        (double) v.zipBytes() / url.zipBytes(), classes.get(v), t.describe(0),
                        t.describeRatioTo(baseline.median()),
                        t.median() / urlMedian));
            });
        });
        return out.toString();
    }
}
