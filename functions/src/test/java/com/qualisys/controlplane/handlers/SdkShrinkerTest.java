package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.testing.FunctionPackage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's service modules as the packages ship them ({@code functions/src/packaging/SdkShrinker.java}, run by the
 * build before the tests): each shrunk to what the control plane's code reaches, still holding what the SDK loads by
 * name. That the shrunk packages work is FunctionPackagesTest's and PrimingTest's (each function started from its
 * package); this is what the shrinker itself promises.
 */
class SdkShrinkerTest {
    private static final Path SHRINKER = RepoPaths.root().resolve("functions/src/packaging/SdkShrinker.java");
    private static final Pattern SERVICE_CLIENT = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/([A-Za-z0-9]+Client)\\.class");
    private static final Pattern REFLECTED_CLASS = Pattern.compile("\"name\"\\s*:\\s*\"([A-Za-z0-9_.$]+)\"");

    /** Shipped jar -> the Maven jar it was made from, for every jar the shrinker replaced. */
    private static final Map<Path, Path> shrunk = new LinkedHashMap<>();
    private static List<Path> shipped;

    @BeforeAll
    static void readTheClasspaths() throws IOException {
        List<Path> runtime = paths(FunctionPackage.runtimeClasspathFile());
        shipped = paths(FunctionPackage.shippedClasspathFile());
        assertThat(shipped).as("one shipped jar per runtime dependency, in order").hasSameSizeAs(runtime);
        for (int i = 0; i < runtime.size(); i++) {
            if (!shipped.get(i).equals(runtime.get(i))) shrunk.put(shipped.get(i), runtime.get(i));
        }
    }

    @Test
    void everyServiceModuleAndNothingElseShipsShrunk() throws IOException {
        for (int i = 0; i < shipped.size(); i++) {
            Path jar = shipped.get(i);
            boolean service = Files.isRegularFile(jar) && !clients(jar).isEmpty();
            assertThat(shrunk.containsKey(jar)).as(jar + (service ? " is a service module, shipped as Maven has it" : " is no service module, yet was replaced")).isEqualTo(service);
        }
        assertThat(shrunk).as("service modules").hasSizeGreaterThanOrEqualTo(10);
        long before = 0;
        long after = 0;
        for (var e : shrunk.entrySet()) {
            assertThat(Files.size(e.getKey())).as(e.getKey().getFileName() + " shrunk").isLessThan(Files.size(e.getValue()));
            assertThat(e.getKey().getFileName()).as("the shrunk copy keeps the Maven file name").isEqualTo(e.getValue().getFileName());
            before += Files.size(e.getValue());
            after += Files.size(e.getKey());
        }
        assertThat((double) after / before).as("shrunk bytes / Maven bytes of the service modules").isLessThan(0.7);
    }

    /** The operations a client keeps are the ones some code of ours calls; one no code calls is gone, with its request. */
    @Test
    void aClientKeepsTheOperationsTheCodeCallsAndNotTheOthers() throws Exception {
        try (URLClassLoader loader = loader()) {
            Set<String> dynamo = methods(loader, "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient");
            assertThat(dynamo).as("the lease's and the ledger's calls").contains("putItem", "getItem", "updateItem", "deleteItem");
            assertThat(dynamo).as("DynamoDB backups, which nothing of ours restores").doesNotContain("restoreTableFromBackup", "createBackup");
            Set<String> ec2 = methods(loader, "software.amazon.awssdk.services.ec2.DefaultEc2Client");
            assertThat(ec2).as("the vpc layer's calls").contains("describeVpcs", "createVpc", "describeSubnets");
            assertThat(ec2).as("reserved instances, which nothing of ours buys").doesNotContain("purchaseReservedInstancesOffering");
            assertThat(entry("software/amazon/awssdk/services/ec2/model/PurchaseReservedInstancesOfferingResponse.class"))
                    .as("the response of an operation no code calls").isNull();
            assertThat(entry("software/amazon/awssdk/services/ec2/model/PurchaseReservedInstancesOfferingRequest.class"))
                    .as("the request of an operation no code calls (named only by the client interface's InnerClasses)").isNull();
            assertThat(methods(loader, "software.amazon.awssdk.services.eventbridge.DefaultEventBridgeClient")).as("the drift check request")
                    .contains("putEvents").doesNotContain("disableRule");
            assertThat(entry("software/amazon/awssdk/services/eventbridge/model/PutEventsRequestEntry.class")).as("what putEvents sends").isNotNull();
            assertThat(entry("software/amazon/awssdk/services/eventbridge/model/DisableRuleRequest.class")).as("an uncalled operation's request").isNull();
            assertThat(entry("software/amazon/awssdk/services/eventbridge/model/Target.class")).as("a shape only uncalled operations use").isNull();
        }
    }

    /**
     * What the shrinker drops after ProGuard (the classes nothing kept names) can only be right if nothing kept names
     * one of them: every class the shrunk modules keep loads, initializes (so the verifier checked its code against
     * the classes its frames name) and resolves the types of its members, from the shipped jars alone.
     */
    @Test
    void everyKeptClassLoadsFromTheShippedJars() throws Exception {
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        try (URLClassLoader loader = loader()) {
            for (Path jar : shrunk.keySet()) {
                List<String> names;
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    names = zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
                }
                for (String name : names) {
                    try {
                        Class<?> c = Class.forName(name, true, loader);
                        c.getDeclaredMethods();
                        c.getDeclaredFields();
                        c.getDeclaredConstructors();
                        c.getGenericSuperclass();
                        c.getGenericInterfaces();
                        loaded++;
                    } catch (Throwable e) {
                        failures.add(name + ": " + e);
                    }
                }
            }
        }
        assertThat(failures).as("kept classes that do not load from the shipped jars").isEmpty();
        assertThat(loaded).as("classes loaded").isGreaterThan(5_000);
    }

    /**
     * What the SDK and our priming reach by name, not by a reference ProGuard can follow: every class a module's
     * GraalVM reflection configuration names (STS's web-identity credentials factory) with its no-argument
     * constructor, and the static builder() of every synchronous client interface (AwsClients.prime makes the clients
     * of its package by name).
     */
    @Test
    void whatIsLoadedByNameIsKept() throws Exception {
        Set<String> reflected = new TreeSet<>();
        try (URLClassLoader loader = loader()) {
            for (var e : shrunk.entrySet()) {
                for (String name : reflectedClasses(e.getValue())) {
                    reflected.add(name);
                    Class<?> c = Class.forName(name, false, loader);
                    assertThat(c.getDeclaredConstructor()).as(name + "()").isNotNull();
                }
                for (String client : clients(e.getKey())) {
                    Class<?> c = Class.forName(client, false, loader);
                    if (!c.isInterface() || client.endsWith("AsyncClient")) continue;
                    Method builder = c.getMethod("builder");
                    assertThat(Modifier.isStatic(builder.getModifiers())).as(client + ".builder() is static").isTrue();
                }
            }
        }
        assertThat(reflected).as("classes the SDK's modules load by name").contains(
                "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory");
    }

    /**
     * What only a lambda names is resolved when the lambda first runs, not when its class loads: a JSON protocol client
     * maps an error code to its modeled exception through method references ({@code ResourceNotFoundException::builder}).
     * Every kept client's mapping, asked for every error its module models (the exceptions are named after their codes),
     * builds that exception from the shipped jars.
     */
    @Test
    void everyModeledErrorBuildsItsExceptionFromTheShippedJars() throws Exception {
        List<String> failures = new ArrayList<>();
        int built = 0;
        try (URLClassLoader loader = loader()) {
            Method supplier = Class.forName("software.amazon.awssdk.protocols.core.ExceptionMetadata", false, loader)
                    .getMethod("exceptionBuilderSupplier");
            for (var e : shrunk.entrySet()) {
                Set<String> codes = modeledExceptions(e.getValue());
                for (String client : clients(e.getKey())) {
                    if (!client.substring(client.lastIndexOf('.') + 1).startsWith("Default") || client.endsWith("AsyncClient")) continue;
                    for (Method mapping : Class.forName(client, false, loader).getDeclaredMethods()) {
                        if (!mapping.isSynthetic() || !Modifier.isStatic(mapping.getModifiers()) || mapping.getReturnType() != java.util.Optional.class
                                || !Arrays.equals(mapping.getParameterTypes(), new Class<?>[] {String.class})) continue;
                        mapping.setAccessible(true);
                        for (String code : codes) {
                            try {
                                java.util.Optional<?> metadata = (java.util.Optional<?>) mapping.invoke(null, code);
                                if (metadata.isEmpty()) continue;
                                assertThat(((java.util.function.Supplier<?>) supplier.invoke(metadata.get())).get()).isNotNull();
                                built++;
                            } catch (Throwable t) {
                                Throwable cause = t instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : t;
                                failures.add(client + "." + mapping.getName() + "(\"" + code + "\"): " + cause);
                            }
                        }
                    }
                }
            }
        }
        assertThat(failures).as("modeled errors whose exception the shipped jars cannot build").isEmpty();
        assertThat(built).as("exceptions built").isGreaterThan(100);
    }

    /**
     * The guard, broken on purpose: run without naming aws-clients (which makes every client) as a root, the shrinker
     * would treat it as a library whose calls ProGuard does not follow, and drop the clients it builds; it fails instead,
     * naming the library class.
     */
    @Test
    void aLibraryThatReachesIntoAServiceModuleFailsTheRun(@TempDir Path out) {
        Path root = RepoPaths.root();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", root.resolve("functions/target/proguard") + "/*", SHRINKER.toString(),
                root.resolve("functions/target/classes").toString(), FunctionPackage.runtimeClasspathFile().toString(),
                out.toString(), "");

        assertThatThrownBy(() -> FunctionPackage.run(root, command))
                .hasMessageContaining("aws-clients: com/qualisys/controlplane/aws/AwsClients.class -> software/amazon/awssdk/services/");
        assertThat(out.resolve("shipped-classpath.txt")).as("no classpath written by a failed run").doesNotExist();
    }

    /**
     * The path only real AWS takes (the tests and the packages' runs override every endpoint): each shrunk module's
     * default endpoint provider evaluates its endpoint rules for the packaged specs' region (us-east-1) and a region of
     * another partition's neighbour (eu-central-1), loaded from the shipped jars alone, and names an https endpoint of
     * amazonaws.com.
     */
    @Test
    void everyShrunkModuleResolvesItsRealAwsEndpoint() throws Exception {
        Pattern provider = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/endpoints/([A-Za-z0-9]+)EndpointProvider\\.class");
        Set<String> resolved = new TreeSet<>();
        try (URLClassLoader loader = loader()) {
            Class<?> region = Class.forName("software.amazon.awssdk.regions.Region", true, loader);
            for (Path jar : shrunk.keySet()) {
                List<String> providers = new ArrayList<>();
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    zip.stream().map(ZipEntry::getName).filter(n -> provider.matcher(n).matches()).forEach(providers::add);
                }
                assertThat(providers).as(jar.getFileName() + ": its endpoint provider").isNotEmpty();
                for (String entry : providers) {
                    String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                    String params = name.substring(0, name.length() - "Provider".length()) + "Params";
                    Class<?> providerType = Class.forName(name, true, loader);
                    Class<?> paramsType = Class.forName(params, true, loader);
                    Object rules = providerType.getMethod("defaultProvider").invoke(null);
                    for (String regionName : List.of("us-east-1", "eu-central-1")) {
                        Object builder = paramsType.getMethod("builder").invoke(null);
                        Method setRegion = builder.getClass().getMethod("region", region);
                        setRegion.setAccessible(true);
                        setRegion.invoke(builder, region.getMethod("of", String.class).invoke(null, regionName));
                        Method build = builder.getClass().getMethod("build");
                        build.setAccessible(true);
                        Object built = build.invoke(builder);
                        Object endpoint = ((java.util.concurrent.CompletableFuture<?>) providerType.getMethod("resolveEndpoint", paramsType)
                                .invoke(rules, built)).join();
                        Method url = endpoint.getClass().getMethod("url");
                        url.setAccessible(true);
                        java.net.URI uri = (java.net.URI) url.invoke(endpoint);
                        assertThat(uri.getScheme()).as(name + " in " + regionName).isEqualTo("https");
                        assertThat(uri.getHost()).as(name + " in " + regionName).endsWith(".amazonaws.com");
                        resolved.add(uri.getHost());
                    }
                }
            }
        }
        assertThat(resolved).as("endpoints resolved").contains("dynamodb.us-east-1.amazonaws.com", "ec2.eu-central-1.amazonaws.com");
    }

    /** Run again as the build ran it, with nothing changed, it shrinks nothing again and leaves the copies as they are. */
    @Test
    void aSecondRunWithNothingChangedKeepsTheCopies() throws IOException {
        Path root = RepoPaths.root();
        Path out = FunctionPackage.shippedClasspathFile().getParent();
        java.nio.file.attribute.FileTime made = Files.getLastModifiedTime(FunctionPackage.shippedClasspathFile());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", root.resolve("functions/target/proguard") + "/*", SHRINKER.toString(),
                root.resolve("functions/target/classes").toString(), FunctionPackage.runtimeClasspathFile().toString(),
                out.toString(), "aws-clients");

        FunctionPackage.run(root, command);

        assertThat(Files.getLastModifiedTime(FunctionPackage.shippedClasspathFile())).as("the shipped classpath, untouched").isEqualTo(made);
        for (Path jar : shrunk.keySet()) assertThat(jar).as("a shrunk copy").exists();
    }

    private static URLClassLoader loader() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path p : shipped) urls.add(p.toUri().toURL());
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static Set<String> methods(ClassLoader loader, String className) throws ClassNotFoundException {
        Set<String> out = new TreeSet<>();
        Arrays.stream(Class.forName(className, false, loader).getDeclaredMethods()).forEach(m -> out.add(m.getName()));
        return out;
    }

    /** The shipped entry of that name, in any shrunk module, or null. */
    private static ZipEntry entry(String name) throws IOException {
        for (Path jar : shrunk.keySet()) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                if (zip.getEntry(name) != null) return zip.getEntry(name);
            }
        }
        return null;
    }

    /** The client classes (sync and async interfaces, their defaults) a service module holds. */
    private static Set<String> clients(Path jar) throws IOException {
        Set<String> out = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(ZipEntry::getName).filter(n -> SERVICE_CLIENT.matcher(n).matches())
                    .forEach(n -> out.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }
        return out;
    }

    /** Read from the Maven jar: the simple names of its modeled exceptions (model/XxxException). */
    private static Set<String> modeledExceptions(Path mavenJar) throws IOException {
        Pattern exception = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/model/([A-Za-z0-9]+Exception)\\.class");
        Set<String> out = new TreeSet<>();
        try (ZipFile zip = new ZipFile(mavenJar.toFile())) {
            zip.stream().map(e -> exception.matcher(e.getName())).filter(Matcher::matches).forEach(m -> out.add(m.group(1)));
        }
        return out;
    }

    /** Read from the Maven jar: what it declares it loads by name and holds. */
    private static Set<String> reflectedClasses(Path mavenJar) throws IOException {
        Set<String> out = new TreeSet<>();
        try (ZipFile zip = new ZipFile(mavenJar.toFile())) {
            for (ZipEntry e : zip.stream().filter(e -> e.getName().startsWith("META-INF/native-image/")
                    && e.getName().endsWith("reflect-config.json")).toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    Matcher m = REFLECTED_CLASS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    while (m.find()) {
                        if (zip.getEntry(m.group(1).replace('.', '/') + ".class") != null) out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> paths(Path classpathFile) throws IOException {
        String text = Files.readString(classpathFile).strip();
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
    }
}
