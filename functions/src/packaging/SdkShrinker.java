import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Shrinks the AWS SDK's service modules (dynamodb, ec2, s3, ...) to what the control plane's code can reach, before
 * the function packages are built: a service module is the whole generated API of its service, and a function calls a
 * handful of its operations. ProGuard (shrinking only: no optimisation, no renaming; the classes it keeps are the SDK's
 * own bytes, re-preverified) walks from every class of this module and of the {@code KEEP_WHOLE} jars, with every
 * other runtime jar and the running JDK as libraries, and keeps what those reach: the client methods that are called,
 * and their request, response and model classes with everything those reference.
 *
 * <pre>java -cp PROGUARD_JARS SdkShrinker.java CLASSES CLASSPATH_FILE OUT_DIR KEEP_WHOLE</pre>
 * CLASSES: this module's classes (the roots). CLASSPATH_FILE: the runtime dependency jars (Maven's
 * dependency:build-classpath output). KEEP_WHOLE: comma-separated artifact ids of this build's other modules on that
 * classpath, which call the SDK too (roots as well, left as they are). Writes the shrunk modules to
 * {@code OUT_DIR/lib/} and {@code OUT_DIR/shipped-classpath.txt}: the runtime classpath with each service module
 * replaced by its shrunk copy, which the packager ships. Nothing is redone while that file is newer than every input
 * and the configuration ({@code OUT_DIR/sdk-shrink.pro}) is the same.
 *
 * <p>What reaches SDK classes other than by a reference is kept by rule: what each module declares it loads by name
 * for GraalVM ({@code META-INF/native-image/.../reflect-config.json}: STS's web-identity credentials factory),
 * enums' {@code values()}/{@code valueOf}, and models' static {@code builder()} (SdkModelFields names it
 * reflectively; the clients' are reached through AwsClients). A library jar that references a service module class
 * fails the run before ProGuard starts (ProGuard keeps what a library overrides, not what it calls): make it a root
 * through KEEP_WHOLE.
 */
public final class SdkShrinker {
    /** A service module holds its client interface at software/amazon/awssdk/services/NAME/XxxClient.class. */
    private static final Pattern SERVICE_CLIENT = Pattern.compile("software/amazon/awssdk/services/[a-z0-9]+/[A-Za-z0-9]+Client\\.class");
    private static final Pattern REFLECTED_CLASS = Pattern.compile("\"name\"\\s*:\\s*\"([A-Za-z0-9_.$]+)\"");

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java -cp PROGUARD_JARS SdkShrinker.java CLASSES CLASSPATH_FILE OUT_DIR KEEP_WHOLE");
            System.exit(64);
        }
        Path classes = Path.of(args[0]);
        Path classpathFile = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Set<String> keepWhole = new LinkedHashSet<>();
        for (String a : args[3].split(",")) if (!a.isBlank()) keepWhole.add(a.strip());
        List<Path> jars = new ArrayList<>();
        for (String s : Files.readString(classpathFile).strip().split(java.io.File.pathSeparator)) {
            if (!s.isBlank()) jars.add(Path.of(s));
        }
        Path shipped = out.resolve("shipped-classpath.txt");
        List<Path> services = new ArrayList<>();
        List<Path> roots = new ArrayList<>(List.of(classes));
        List<Path> libraries = new ArrayList<>();
        Set<String> unmatched = new TreeSet<>(keepWhole);
        for (Path jar : jars) {
            String artifact = artifact(jar);
            if (unmatched.remove(artifact)) roots.add(jar);
            else if (isServiceModule(jar)) services.add(jar);
            else libraries.add(jar);
        }
        if (!unmatched.isEmpty()) throw new IllegalArgumentException("KEEP_WHOLE names " + unmatched + ", not on " + classpathFile);
        List<String> reaching = reachingIntoServices(libraries, services);
        if (!reaching.isEmpty()) {
            System.err.println("SDK shrink: library classes reference service module classes, and ProGuard does not follow a"
                    + " library's calls, so the shrunk modules could lack what they use; name their artifacts in KEEP_WHOLE:\n  "
                    + String.join("\n  ", reaching));
            System.exit(1);
        }

        Path lib = out.resolve("lib");
        Path scratch = out.resolve("roots");
        Path jdk = jdkClasses(out.resolve("jdk"));

        List<String> config = new ArrayList<>();
        for (int i = 0; i < roots.size(); i++) {
            config.add("-injars " + quoted(roots.get(i)) + "(**.class)");
            config.add("-outjars " + quoted(scratch.resolve("root" + i)));
        }
        for (Path service : services) {
            config.add("-injars " + quoted(service) + "(!META-INF/versions/**)");
            config.add("-outjars " + quoted(lib.resolve(service.getFileName())));
        }
        for (Path library : libraries) config.add("-libraryjars " + quoted(library) + "(!META-INF/versions/**)");
        try (Stream<Path> modules = Files.list(jdk)) {
            for (Path module : modules.sorted().toList()) config.add("-libraryjars " + quoted(module) + "(**.class,!module-info.class)");
        }
        config.addAll(List.of(
                "-dontoptimize",
                "-dontobfuscate",
                "-keepattributes *",
                "-keep class com.qualisys.** { *; }",
                "-keepclassmembers enum * { public static **[] values(); public static ** valueOf(java.lang.String); }",
                // SdkModelFields makes a model by its static builder(), named reflectively.
                "-keepclassmembers class * implements software.amazon.awssdk.core.SdkPojo { public static *** builder(); }",
                "-dontnote"));
        // The roots and the services name classes of jars no function ships (the layers' fabric8, S3's arns, the CRT):
        // a reference ProGuard cannot resolve is no error here (FunctionPackagesTest starts each function from its
        // package). Only their own packages are excused, so a library class that references a service class (one
        // ProGuard would not see being used) still fails the run.
        Set<String> excused = new TreeSet<>(List.of("software.amazon.awssdk.services.**"));
        for (Path root : roots) excused.addAll(packagesOf(root));
        config.add("-dontwarn " + String.join(",", excused));
        for (Path service : services) {
            for (String reflected : reflectedClasses(service)) config.add("-keep class " + reflected + " { <init>(...); }");
        }
        config.add("-printusage " + quoted(out.resolve("removed.txt")));
        Path configFile = out.resolve("sdk-shrink.pro");
        if (Files.isRegularFile(configFile) && Files.readAllLines(configFile).equals(config)
                && upToDate(shipped, classes, classpathFile, jars)) {
            System.out.println("SDK modules: the shrunk copies are up to date (" + shipped + ")");
            return;
        }
        // The classpath first: a run killed from here on leaves none, so the next run shrinks again.
        Files.deleteIfExists(shipped);
        deleteTree(lib);
        deleteTree(scratch);
        Files.createDirectories(lib);
        Files.write(configFile, config);

        proguard.Configuration configuration = new proguard.Configuration();
        try (proguard.ConfigurationParser parser = new proguard.ConfigurationParser(configFile.toFile(), System.getProperties())) {
            parser.parse(configuration);
        }
        new proguard.ProGuard(configuration).execute();
        deleteTree(scratch);

        List<String> shippedJars = new ArrayList<>();
        long before = 0;
        long after = 0;
        for (Path jar : jars) {
            if (services.contains(jar)) {
                Path shrunk = lib.resolve(jar.getFileName());
                before += Files.size(jar);
                after += Files.size(shrunk);
                shippedJars.add(shrunk.toAbsolutePath().toString());
            } else {
                shippedJars.add(jar.toString());
            }
        }
        Path tmp = out.resolve("shipped-classpath.txt.tmp");
        Files.writeString(tmp, String.join(java.io.File.pathSeparator, shippedJars));
        Files.move(tmp, shipped, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("SDK modules: %d shrunk, %.1f MB -> %.1f MB (%s)%n", services.size(), before / 1e6, after / 1e6, shipped);
    }

    static boolean isServiceModule(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) return false;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> SERVICE_CLIENT.matcher(e.getName()).matches());
        }
    }

    /**
     * Library classes whose constant pool names a class of a service module ({@code library: class -> package}): ProGuard
     * keeps what a library overrides, not what it calls, so such a library must be a root. Reflection by a dotted name
     * (the auth module's STS factory) is no class reference; that is the reflection configuration's to keep.
     */
    static List<String> reachingIntoServices(List<Path> libraries, List<Path> services) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path service : services) {
            for (String pkg : packagesOf(service)) {
                String[] parts = pkg.split("\\.");
                if (parts.length > 4) packages.add(String.join("/", List.of(parts).subList(0, 5)) + "/");
            }
        }
        byte[] prefix = "software/amazon/awssdk/services/".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        for (Path library : libraries) {
            for (var cls : classFiles(library).entrySet()) {
                String text = new String(cls.getValue(), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (int i = text.indexOf("software/amazon/awssdk/services/"); i >= 0; i = text.indexOf("software/amazon/awssdk/services/", i + prefix.length)) {
                    int end = text.indexOf('/', i + prefix.length);
                    String pkg = end < 0 ? "" : text.substring(i, end + 1);
                    if (packages.contains(pkg)) {
                        out.add(artifact(library) + ": " + cls.getKey() + " -> " + pkg);
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** A directory's or a jar's class files: name -> bytes. */
    private static java.util.Map<String, byte[]> classFiles(Path root) throws IOException {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    out.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                }
            }
        } else if (Files.isRegularFile(root)) {
            try (ZipFile zip = new ZipFile(root.toFile())) {
                for (ZipEntry e : zip.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    /** The packages of a directory's or a jar's classes, as ProGuard filters ({@code com.example.*}). */
    static Set<String> packagesOf(Path root) throws IOException {
        Set<String> out = new TreeSet<>();
        List<String> names;
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                names = files.map(f -> root.relativize(f).toString().replace('\\', '/')).toList();
            }
        } else {
            try (ZipFile zip = new ZipFile(root.toFile())) {
                names = zip.stream().map(ZipEntry::getName).toList();
            }
        }
        for (String name : names) {
            if (name.endsWith(".class") && name.contains("/") && !name.startsWith("META-INF/")) {
                out.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.') + ".*");
            }
        }
        return out;
    }

    /** The classes a module says it loads by name (its GraalVM reflection configuration). */
    static Set<String> reflectedClasses(Path jar) throws IOException {
        Set<String> out = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().filter(e -> e.getName().startsWith("META-INF/native-image/")
                    && e.getName().endsWith("reflect-config.json")).toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    Matcher m = REFLECTED_CLASS.matcher(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    while (m.find()) {
                        String name = m.group(1);
                        // Methods are named too ("<init>"); a class name has a package.
                        if (name.contains(".") && zip.getEntry(name.replace('.', '/') + ".class") != null) out.add(name);
                    }
                }
            }
        }
        return out;
    }

    /** The running JDK's classes, one directory per module (ProGuard reads no jimage), extracted once per JDK. */
    private static Path jdkClasses(Path dir) throws IOException {
        Path stamp = dir.resolve("java.version");
        String version = System.getProperty("java.home") + " " + System.getProperty("java.runtime.version");
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(version)) return dir.resolve("modules");
        deleteTree(dir);
        Path modules = dir.resolve("modules");
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                Path target = modules.resolve(f.subpath(1, f.getNameCount()).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Files.writeString(stamp, version);
        return modules;
    }

    private static boolean upToDate(Path shipped, Path classes, Path classpathFile, List<Path> jars) throws IOException {
        if (!Files.isRegularFile(shipped)) return false;
        FileTime made = Files.getLastModifiedTime(shipped);
        List<Path> inputs = new ArrayList<>(jars);
        inputs.add(classpathFile);
        for (Path input : inputs) if (newest(input).compareTo(made) > 0) return false;
        return newest(classes).compareTo(made) <= 0;
    }

    /** A file's time, or the newest class file's under a directory (the build rewrites resources there every time). */
    private static FileTime newest(Path p) throws IOException {
        if (!Files.isDirectory(p)) return Files.exists(p) ? Files.getLastModifiedTime(p) : FileTime.fromMillis(0);
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(f -> f.toString().endsWith(".class")).map(f -> {
                try {
                    return Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }

    /** artifactId from Maven's layout (.../ARTIFACT/VERSION/ARTIFACT-VERSION.jar) or a reactor module's target/classes. */
    static String artifact(Path jar) {
        Path abs = jar.toAbsolutePath();
        if (Files.isDirectory(abs)) return abs.getParent().getParent().getFileName().toString();
        String name = abs.getFileName().toString();
        Path version = abs.getParent();
        if (version != null && version.getParent() != null && name.startsWith(version.getParent().getFileName() + "-")) {
            return version.getParent().getFileName().toString();
        }
        return name.replaceFirst("-\\d[^-]*(-[^-]+)?\\.jar$", "");
    }

    private static String quoted(Path p) {
        return "'" + p.toAbsolutePath() + "'";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private SdkShrinker() {}
}
