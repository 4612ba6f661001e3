package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.FunctionPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each function's own deployment package ({@code functions/src/packaging}: the packager the build runs,
 * with the manifest of what each function ships), started in a fresh JVM from that package alone (the
 * probe's class plus the unpacked zip, nothing from the build's classpath), pointed at LocalAws and
 * PostgreSQL as the CDK app would point it at AWS ({@link ColdStartStage}), answering its representative
 * input. With the JVM's class-loading log it is also the packaging guard: a package that lacks a class
 * its function loads fails (NoClassDefFoundError, or a wrong answer); a jar under lib/ from which the
 * function loads no class is a dependency it never loads, and fails too.
 */
class FunctionPackagesTest {
    static final Path MANIFEST = RepoPaths.root().resolve("functions/src/packaging/function-packages.properties");
    static final Path PACKAGER = RepoPaths.root().resolve("functions/src/packaging/FunctionPackager.java");
    private static final Pattern LOADED_FROM = Pattern.compile("source: (?:jar:)?file:(\\S+?\\.jar)");
    private static final Pattern LINKAGE = Pattern.compile("(NoClassDefFoundError|ClassNotFoundException|NoSuchMethodError)[^\\n]*");

    /**
     * The manifest's groups of jars whose code only runs against what the emulator does not have, so no input here
     * loads them and they are not counted as unused: the Kubernetes layer's (a cluster's API, which the emulator's
     * EKS lacks), and the SDK's JSON parser of the partition table and container credentials (real AWS endpoints
     * and SnapStart's credentials; here the endpoint is overridden and the credentials are keys).
     */
    private static final List<String> UNOBSERVED_GROUPS = List.of("@kubernetes", "@aws-endpoints");

    private static ColdStartStage stage;
    private static Path work;
    private static Path probe;

    /** What one function did when started from its package. */
    record Verdict(FunctionCatalog function, ColdStartBenchmark.Launch launch, Set<String> missing, Set<String> unused,
                   long packageBytes) {
        List<String> problems(String expected) {
            List<String> out = new ArrayList<>();
            String name = function.functionName();
            if (!launch.answered()) out.add(name + ": no answer");
            else if (!launch.firstOutcome().startsWith("ok")) out.add(name + ": answered " + launch.firstOutcome());
            else if (!launch.firstOutcome().contains(expected)) out.add(name + ": answered without " + expected + ": " + launch.firstOutcome());
            missing.forEach(m -> out.add(name + ": its package lacks a class it loads: " + m));
            unused.forEach(u -> out.add(name + ": its package holds " + u + ", from which it loads no class"));
            return out;
        }
    }

    @BeforeAll
    static void stage() {
        work = FunctionPackage.workDirectory().resolve("function-packages");
        ColdStartBenchmark.deleteTree(work);
        probe = ColdStartBenchmark.copyProbe(work.resolve("probe"));
        stage = ColdStartStage.build();
    }

    /** The stage deployed dev's spoke role (AssumeRole is checked in dev's account from then on): later tests start clean. */
    @org.junit.jupiter.api.AfterAll
    static void forgetTheSpoke() {
        com.qualisys.controlplane.emulator.LocalAws.shared().resetStubs();
    }

    @Test
    void everyFunctionAnswersFromItsOwnPackageWhichHoldsOnlyWhatItLoads() {
        Path packages = build(MANIFEST, work.resolve("packages"));
        List<String> problems = new ArrayList<>();
        StringBuilder table = new StringBuilder("\nfunction packages (" + MANIFEST.getFileName() + "):\n");
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Verdict v = run(f, MANIFEST, packages.resolve(f.functionName() + ".zip"));
            table.append(String.format("  %-15s %6.1f MB  %s%n", f.functionName(), v.packageBytes() / 1e6, v.launch().firstOutcome()));
            problems.addAll(v.problems(stage.cases().get(f).expected()));
        }
        System.out.println(table);
        assertThat(problems).as("each function answers from its own package, which holds no jar it never loads").isEmpty();
        // The database functions verify the server against the RDS CA certificates their package carries (verify-full).
        for (FunctionCatalog f : List.of(FunctionCatalog.DB_INIT, FunctionCatalog.SECRET_ROTATION)) {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(packages.resolve(f.functionName() + ".zip").toFile())) {
                java.util.zip.ZipEntry bundle = zip.getEntry(com.qualisys.controlplane.database.TlsPolicy.BUNDLED_CA);
                assertThat(bundle).as(f.functionName() + " carries " + com.qualisys.controlplane.database.TlsPolicy.BUNDLED_CA).isNotNull();
                assertThat(new String(zip.getInputStream(bundle).readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                        .contains("-----BEGIN CERTIFICATE-----");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Each package holds the classes of ours its handler reaches, not the module's every class: a function that runs no
     * layer ships no layer class (the layer handlers name {@code Layers::all} themselves), the layer functions ship
     * them all, and every package holds its own handler (that each then answers is the test above).
     */
    @Test
    void eachPackageHoldsTheClassesOfOursItsHandlerReaches() throws IOException {
        Path packages = build(MANIFEST, work.resolve("own-classes"));
        String vpcLayer = "com/qualisys/controlplane/layers/vpc/VpcLayer.class";
        String layers = "com/qualisys/controlplane/layers/Layers.class";
        Map<FunctionCatalog, Set<String>> own = new java.util.EnumMap<>(FunctionCatalog.class);
        for (FunctionCatalog f : FunctionCatalog.values()) {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(packages.resolve(f.functionName() + ".zip").toFile())) {
                own.put(f, zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("com/qualisys/") && n.endsWith(".class"))
                        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
            }
            assertThat(own.get(f)).as(f.functionName() + "'s handler").contains(f.handler().replace('.', '/') + ".class");
        }
        for (FunctionCatalog f : List.of(FunctionCatalog.LOCK, FunctionCatalog.NOTIFY, FunctionCatalog.REPORT, FunctionCatalog.BUDGET_ALERT,
                FunctionCatalog.DB_INIT, FunctionCatalog.SECRET_ROTATION)) {
            assertThat(own.get(f)).as(f.functionName() + " runs no layer").doesNotContain(layers, vpcLayer);
        }
        for (FunctionCatalog f : List.of(FunctionCatalog.PLAN_LAYER, FunctionCatalog.APPLY_LAYER, FunctionCatalog.LAYER_READINESS,
                FunctionCatalog.SECURITY_EVENT)) {
            assertThat(own.get(f)).as(f.functionName() + " runs the layers").contains(layers, vpcLayer,
                    "com/qualisys/controlplane/layers/kubernetes/KubernetesLayer.class");
        }
        long classes;
        try (Stream<Path> files = Files.walk(RepoPaths.root().resolve("functions/target/classes/com/qualisys"))) {
            classes = files.filter(f -> f.toString().endsWith(".class")).count();
        }
        assertThat(own.get(FunctionCatalog.LOCK).size()).as("Lock's classes of ours, of the module's " + classes).isLessThan((int) (classes / 2));
    }

    /**
     * A package ships the module's resources that its classes name: every function the specs (SpecLoader names
     * "/environments/"), the values files they name and log4j2.xml (at the root, looked up by Log4j); only the database
     * functions the RDS CA bundle (TlsPolicy names it) and only those and the ones naming it (FunctionCatalog describes
     * DbInit by it) sql/db-init.sql. Broken on purpose: with TlsPolicy naming another path, DbInit ships no bundle.
     */
    @Test
    void eachPackageHoldsTheResourcesItsClassesName() throws IOException {
        Path packages = build(MANIFEST, work.resolve("resources"));
        String bundle = com.qualisys.controlplane.database.TlsPolicy.BUNDLED_CA;
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Set<String> resources = resources(packages.resolve(f.functionName() + ".zip"));
            assertThat(resources).as(f.functionName() + "'s resources").contains("log4j2.xml", "environments/defaults.yaml",
                    "environments/policies/developer.json", "kubernetes/metrics-server/values.yaml");
            boolean database = f == FunctionCatalog.DB_INIT || f == FunctionCatalog.SECRET_ROTATION;
            assertThat(resources.contains(bundle)).as(f.functionName() + " ships " + bundle).isEqualTo(database);
        }
        assertThat(resources(packages.resolve("DbInit.zip"))).contains("sql/db-init.sql");
        assertThat(resources(packages.resolve("Lock.zip"))).doesNotContain("sql/db-init.sql");

        Path classes = work.resolve("classes-without-the-bundle");
        ColdStartBenchmark.deleteTree(classes);
        RepoPaths.copyTree(RepoPaths.root().resolve("functions/target/classes"), classes);
        Path tlsPolicy = classes.resolve(com.qualisys.controlplane.database.TlsPolicy.class.getName().replace('.', '/') + ".class");
        String bytes = new String(Files.readAllBytes(tlsPolicy), StandardCharsets.ISO_8859_1);
        assertThat(bytes).contains("rds-ca/");
        Files.write(tlsPolicy, bytes.replace("rds-ca/", "rds-cb/").getBytes(StandardCharsets.ISO_8859_1));
        Path broken = build(MANIFEST, classes, work.resolve("resources-broken"), "DbInit");
        assertThat(resources(broken.resolve("DbInit.zip"))).as("DbInit's resources when nothing it ships names the bundle")
                .doesNotContain(bundle).contains("sql/db-init.sql");
    }

    private static Set<String> resources(Path zip) throws IOException {
        try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
            return file.stream().map(java.util.zip.ZipEntry::getName).filter(n -> !n.endsWith(".class") && !n.startsWith("lib/"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    /** The guard, broken on purpose: Lock's package without the DynamoDB module and with the EC2 one. */
    @Test
    void theGuardSeesAMissingAndAnUnusedDependency() throws IOException {
        String manifest = Files.readString(MANIFEST, StandardCharsets.UTF_8);
        Matcher lock = Pattern.compile("(?m)^Lock\\s*=.*$").matcher(manifest);
        assertThat(lock.find()).as("Lock's line in " + MANIFEST).isTrue();
        String broken = lock.group().replaceAll("\\bdynamodb\\b", "") + " ec2";
        String brokenText = manifest.substring(0, lock.start()) + broken + manifest.substring(lock.end());
        // Lock was the only function shipping DynamoDB: the packager insists every dependency is shipped or listed as not.
        brokenText = brokenText.replaceFirst("(?m)^(@not-shipped\\s*=.*)$", "$1 dynamodb");
        Path brokenManifest = work.resolve("broken.properties");
        Files.writeString(brokenManifest, brokenText);

        Verdict v = run(FunctionCatalog.LOCK, brokenManifest, build(brokenManifest, work.resolve("broken"), "Lock").resolve("Lock.zip"));

        assertThat(v.missing()).as("the DynamoDB classes Lock loads").anyMatch(m -> m.contains("dynamodb"));
        assertThat(v.unused()).as("the jar Lock never loads").contains("ec2");
        assertThat(v.problems(stage.cases().get(FunctionCatalog.LOCK).expected())).hasSizeGreaterThanOrEqualTo(2);
    }

    /** Runs the packager the build runs: one zip per function under out. */
    static Path build(Path manifest, Path out, String... functions) {
        return build(manifest, RepoPaths.root().resolve("functions/target/classes"), out, functions);
    }

    /** The packager run on another copy of the module's classes. */
    static Path build(Path manifest, Path classes, Path out, String... functions) {
        Path root = RepoPaths.root();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                PACKAGER.toString(), manifest.toString(), classes.toString(),
                FunctionPackage.shippedClasspathFile().toString(), out.toString()));
        command.addAll(List.of(functions));
        FunctionPackage.run(root, command);
        return out;
    }

    private static Set<String> unobserved(Path manifest) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newInputStream(manifest)) {
            p.load(in);
        }
        Set<String> jars = new TreeSet<>();
        for (String group : UNOBSERVED_GROUPS) jars.addAll(List.of(p.getProperty(group, "").strip().split("\\s+")));
        return jars;
    }

    static Verdict run(FunctionCatalog f, Path manifest, Path zip) {
        Path unpacked = work.resolve("unpacked").resolve(zip.getParent().getFileName() + "-" + f.functionName());
        FunctionPackage.unpack(zip, unpacked);
        Path classLog = work.resolve("logs").resolve(zip.getParent().getFileName() + "-" + f.functionName() + "-classes.log");
        List<String> command = ColdStartBenchmark.javaCommand(List.of("-Xlog:class+load=info:file=" + classLog),
                FunctionPackage.classpath(probe, unpacked));
        command.add(f.handler());
        List<Map<String, Object>> inputs = new ArrayList<>();
        inputs.add(stage.cases().get(f).inputs().get(0));
        inputs.addAll(stage.coverage(f));
        ColdStartStage.write(f, inputs, work.resolve("inputs")).forEach(p -> command.add(p.toString()));
        Path log = work.resolve("logs").resolve(zip.getParent().getFileName() + "-" + f.functionName() + ".log");
        ColdStartBenchmark.Launch launch = ColdStartBenchmark.launch(command, stage.environmentVariables(f), log);
        stage.resetAfterLaunch();
        try {
            Set<String> loaded = new TreeSet<>();
            Matcher m = LOADED_FROM.matcher(Files.readString(classLog, StandardCharsets.UTF_8));
            while (m.find()) loaded.add(Path.of(m.group(1)).getFileName().toString());
            Set<String> missing = new TreeSet<>();
            Matcher linkage = LINKAGE.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (linkage.find()) missing.add(linkage.group());
            if (launch.firstOutcome() != null) {
                Matcher answered = LINKAGE.matcher(launch.firstOutcome());
                while (answered.find()) missing.add(answered.group());
            }
            Set<String> unused = new TreeSet<>();
            try (Stream<Path> jars = Files.list(unpacked.resolve("lib"))) {
                jars.map(j -> j.getFileName().toString()).filter(j -> !loaded.contains(j))
                        .forEach(j -> unused.add(j.replaceFirst("-\\d[^-]*(-[^-]+)?\\.jar$", "")));
            }
            unused.removeAll(unobserved(manifest));
            return new Verdict(f, launch, missing, unused, Files.size(zip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
