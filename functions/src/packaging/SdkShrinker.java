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
 * and their request, response and model classes with everything those reference. Then every class of the shrunk
 * modules that nothing kept names is dropped ({@link #dropUnreachable}): ProGuard leaves many such classes.
 *
 * <pre>java -cp PROGUARD_JARS SdkShrinker.java CLASSES CLASSPATH_FILE OUT_DIR KEEP_WHOLE</pre>
 * CLASSES: this module's classes (the roots). CLASSPATH_FILE: the runtime dependency jars (Maven's
 * dependency:build-classpath output). KEEP_WHOLE: comma-separated artifact ids of this build's other modules on that
 * classpath, which call the SDK too (roots as well, left as they are). Writes the shrunk modules to
 * {@code OUT_DIR/lib/} and {@code OUT_DIR/shipped-classpath.txt}: the runtime classpath with each service module
 * replaced by its shrunk copy, which the packager ships; and {@code OUT_DIR/own-references.txt} (every run), which of
 * this module's classes each of them names, from which the packager ships each function the classes its handler
 * reaches. Nothing is shrunk again while the shipped classpath is newer than every input and the configuration
 * ({@code OUT_DIR/sdk-shrink.pro}) is the same.
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

        Files.createDirectories(out);
        writeOwnReferences(classes, out.resolve(OWN_REFERENCES));

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
                "-dontnote",
                // Not ProGuard's: the classes nothing kept names are dropped after it (dropUnreachable), which rewrites
                // every module at the best compression; this line makes copies shrunk before that step out of date.
                "# then: dropUnreachable, best compression"));
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
        List<String> unreachable = dropUnreachable(roots, libraries, services.stream().map(s -> lib.resolve(s.getFileName())).toList());
        Files.write(out.resolve("removed.txt"), unreachable, java.nio.file.StandardOpenOption.APPEND);

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

    /**
     * Deletes from the shrunk modules every class that no shipped code can load (rewriting each module at the best
     * compression), and returns their names. ProGuard keeps
     * a class once anything names it, even an entry of a client interface's InnerClasses attribute (which lists every
     * operation's request builder), and with it each of its methods that override a library method (hashCode,
     * toBuilder, sdkFields), which name the operation's shapes: so every operation's request stayed, called or not.
     * Here a class stays when a root, a class that stays, or a text resource of a module names it as code uses names
     * ({@link ClassReferences}); libraries count as roots for the service class names they hold as strings (the auth
     * module's STS factory).
     */
    static List<String> dropUnreachable(List<Path> roots, List<Path> libraries, List<Path> shrunk) throws IOException {
        java.util.Map<String, byte[]> service = new java.util.HashMap<>();
        for (Path jar : shrunk) service.putAll(classesByName(jar));
        Set<String> live = new java.util.HashSet<>();
        java.util.Deque<String> work = new java.util.ArrayDeque<>();
        java.util.function.Consumer<String> reach = name -> {
            if (service.containsKey(name) && live.add(name)) work.add(name);
        };
        for (Path root : roots) for (byte[] c : classFiles(root).values()) ClassReferences.of(c).forEach(reach);
        for (Path library : libraries) for (byte[] c : classFiles(library).values()) dottedServiceNames(c).forEach(reach);
        for (Path jar : shrunk) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry e : zip.stream().filter(e -> !e.isDirectory() && !e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        dottedServiceNames(in.readAllBytes()).forEach(reach);
                    }
                }
            }
        }
        while (!work.isEmpty()) ClassReferences.of(service.get(work.pop())).forEach(reach);

        List<String> dropped = new ArrayList<>();
        for (Path jar : shrunk) {
            Path kept = jar.resolveSibling(jar.getFileName() + ".tmp");
            try (ZipFile zip = new ZipFile(jar.toFile());
                 java.util.zip.ZipOutputStream copy = new java.util.zip.ZipOutputStream(Files.newOutputStream(kept))) {
                // ProGuard writes at the default level; at the best one the shrunk modules are about 1 % smaller.
                copy.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    String name = e.getName();
                    String className = name.endsWith(".class") ? name.substring(0, name.length() - ".class".length()) : null;
                    if (className != null && !live.contains(className)) {
                        dropped.add(className.replace('/', '.'));
                        continue;
                    }
                    copy.putNextEntry(new ZipEntry(name));
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(copy);
                    }
                    copy.closeEntry();
                }
            }
            Files.move(kept, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return dropped;
    }

    /** Beside the shipped classpath: which of this module's classes each of them names (FunctionPackager reads it). */
    static final String OWN_REFERENCES = "own-references.txt";

    /**
     * Writes, for each class of this module, the classes of this module it names ({@code class ref ref ...}, one line
     * each): the packager ships a function only the classes its handler reaches. Names held as strings do not count
     * here: our code loads none of its own classes by name (FunctionCatalog's handler names are for Lambda).
     */
    static void writeOwnReferences(Path classes, Path file) throws IOException {
        java.util.Map<String, byte[]> own = new java.util.TreeMap<>(classesByName(classes));
        List<String> lines = new ArrayList<>();
        for (var e : own.entrySet()) {
            StringBuilder line = new StringBuilder(e.getKey());
            for (String name : ClassReferences.of(e.getValue(), false)) {
                if (own.containsKey(name) && !name.equals(e.getKey())) line.append(' ').append(name);
            }
            lines.add(line.toString());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static final Pattern DOTTED_SERVICE_CLASS = Pattern.compile("software\\.amazon\\.awssdk\\.services\\.[A-Za-z0-9_.$]+");

    /** The service classes that bytes (a class file's strings, a resource's text) name in dotted form, as internal names. */
    private static List<String> dottedServiceNames(byte[] bytes) {
        List<String> out = new ArrayList<>();
        Matcher m = DOTTED_SERVICE_CLASS.matcher(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        while (m.find()) out.add(m.group().replaceAll("\\.+$", "").replace('.', '/'));
        return out;
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

    /** A directory's or a jar's classes by internal name ({@code a/b/C}). */
    private static java.util.Map<String, byte[]> classesByName(Path root) throws IOException {
        java.util.Map<String, byte[]> out = new java.util.HashMap<>();
        classFiles(root).forEach((file, bytes) -> out.put(file.substring(0, file.length() - ".class".length()), bytes));
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

/**
 * The classes a class file names in what the JVM or reflection can act on: its superclass and interfaces, the
 * descriptors and generic signatures of its fields and methods, the constants its code uses (with the descriptors of
 * the members they name and the bootstrap methods of its lambdas), the classes its verifier frames and exception
 * handlers name, its nest host, its runtime-visible annotations, and the class names its code holds as strings. Not
 * followed: InnerClasses and NestMembers entries (a client interface lists every operation's request builder there),
 * debug tables, invisible annotations, and constants nothing uses.
 */
final class ClassReferences {
    private final byte[] b;
    private final int[] offset;
    private final int[] tag;
    private final Set<String> names = new TreeSet<>();
    private final java.util.BitSet used;
    private final boolean strings;
    private int p;

    private ClassReferences(byte[] bytes, boolean strings) {
        this.b = bytes;
        this.strings = strings;
        int count = u2(8);
        offset = new int[count];
        tag = new int[count];
        used = new java.util.BitSet(count);
        p = 10;
        for (int i = 1; i < count; i++) {
            tag[i] = b[p] & 0xff;
            offset[i] = p + 1;
            p += 1 + switch (tag[i]) {
                case 1 -> 2 + u2(p + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> 4;
                case 5, 6 -> 8;
                case 7, 8, 16, 19, 20 -> 2;
                case 15 -> 3;
                default -> throw new IllegalArgumentException("constant pool tag " + tag[i] + " at " + (p - 1));
            };
            if (tag[i] == 5 || tag[i] == 6) i++;
        }
    }

    /** Internal names ({@code a/b/C}) of the classes the class file names; string constants dotted or slashed alike. */
    static Set<String> of(byte[] classFile) {
        return of(classFile, true);
    }

    /** As {@link #of(byte[])}; without the class names held as strings when {@code strings} is false. */
    static Set<String> of(byte[] classFile, boolean strings) {
        ClassReferences r = new ClassReferences(classFile, strings);
        r.read();
        return r.names;
    }

    private void read() {
        p += 4; // access flags, this class
        use(u2(p));
        p += 2;
        int interfaces = u2(p);
        p += 2;
        for (int i = 0; i < interfaces; i++, p += 2) use(u2(p));
        for (int kind = 0; kind < 2; kind++) {
            int members = u2(p);
            p += 2;
            for (int m = 0; m < members; m++) {
                descriptor(u2(p + 4));
                p += 6;
                attributes();
            }
        }
        attributes();
    }

    private void attributes() {
        int count = u2(p);
        p += 2;
        for (int a = 0; a < count; a++) {
            String name = utf8(u2(p));
            int length = u4(p + 2);
            int start = p + 6;
            p = start + length;
            switch (name) {
                case "Signature" -> descriptor(u2(start));
                case "Exceptions" -> {
                    for (int i = 0, n = u2(start); i < n; i++) use(u2(start + 2 + 2 * i));
                }
                case "NestHost" -> use(u2(start));
                case "EnclosingMethod" -> {
                    use(u2(start));
                    use(u2(start + 2));
                }
                case "BootstrapMethods" -> {
                    int q = start + 2;
                    for (int i = 0, n = u2(start); i < n; i++) {
                        use(u2(q));
                        int args = u2(q + 2);
                        for (int j = 0; j < args; j++) use(u2(q + 4 + 2 * j));
                        q += 4 + 2 * args;
                    }
                }
                case "RuntimeVisibleAnnotations" -> annotations(start + 2, u2(start));
                case "RuntimeVisibleParameterAnnotations" -> {
                    int q = start + 1;
                    for (int i = 0, n = b[start] & 0xff; i < n; i++) q = annotations(q + 2, u2(q));
                }
                case "AnnotationDefault" -> elementValue(start);
                case "Code" -> code(start);
                case "StackMapTable" -> stackMap(start);
                default -> { } // InnerClasses, NestMembers, debug tables, invisible annotations: nothing is loaded by them
            }
        }
        // A Code attribute's own attributes were read inside code(); p is past this attribute table.
    }

    private void code(int start) {
        int length = u4(start + 4);
        int codeStart = start + 8;
        for (int pc = 0; pc < length; ) {
            int at = codeStart + pc;
            int op = b[at] & 0xff;
            switch (op) {
                case 0x12 -> use(b[at + 1] & 0xff); // ldc
                case 0x13, 0x14, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbd, 0xc0, 0xc1, 0xc5 -> use(u2(at + 1));
                default -> { }
            }
            pc += instructionLength(codeStart, pc);
        }
        int q = codeStart + length;
        int handlers = u2(q);
        for (int i = 0; i < handlers; i++) use(u2(q + 2 + 8 * i + 6));
        int saved = p;
        p = q + 2 + 8 * handlers;
        attributes();
        p = saved;
    }

    private int instructionLength(int codeStart, int pc) {
        int op = b[codeStart + pc] & 0xff;
        if (op == 0xaa || op == 0xab) { // tableswitch, lookupswitch: padded to four bytes from the code's start
            int q = pc + 1 + ((4 - (pc + 1) % 4) % 4);
            if (op == 0xaa) return q - pc + 12 + 4 * (u4(codeStart + q + 8) - u4(codeStart + q + 4) + 1);
            return q - pc + 8 + 8 * u4(codeStart + q + 4);
        }
        if (op == 0xc4) return (b[codeStart + pc + 1] & 0xff) == 0x84 ? 6 : 4; // wide
        return LENGTH[op];
    }

    private static final int[] LENGTH = new int[256];

    static {
        java.util.Arrays.fill(LENGTH, 1);
        for (int op : new int[] {0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39, 0x3a, 0xa9, 0xbc}) LENGTH[op] = 2;
        for (int op : new int[] {0x11, 0x13, 0x14, 0x84, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xbb, 0xbd, 0xc0, 0xc1, 0xc6, 0xc7}) LENGTH[op] = 3;
        for (int op = 0x99; op <= 0xa8; op++) LENGTH[op] = 3; // conditional branches, goto, jsr
        LENGTH[0xc5] = 4; // multianewarray
        for (int op : new int[] {0xb9, 0xba, 0xc8, 0xc9}) LENGTH[op] = 5;
    }

    /** The verifier's frames name the classes it checks assignments against. */
    private void stackMap(int start) {
        int q = start + 2;
        for (int f = 0, n = u2(start); f < n; f++) {
            int type = b[q++] & 0xff;
            if (type <= 63) continue;
            if (type <= 127) {
                q = verificationType(q);
            } else if (type == 247) {
                q = verificationType(q + 2);
            } else if (type <= 251) {
                q += 2;
            } else if (type <= 254) {
                q += 2;
                for (int i = 0; i < type - 251; i++) q = verificationType(q);
            } else {
                q += 2;
                for (int part = 0; part < 2; part++) {
                    int items = u2(q);
                    q += 2;
                    for (int i = 0; i < items; i++) q = verificationType(q);
                }
            }
        }
    }

    private int verificationType(int q) {
        int t = b[q] & 0xff;
        if (t == 7) use(u2(q + 1));
        return t == 7 || t == 8 ? q + 3 : q + 1;
    }

    private int annotations(int q, int count) {
        for (int i = 0; i < count; i++) {
            descriptor(u2(q));
            int pairs = u2(q + 2);
            q += 4;
            for (int j = 0; j < pairs; j++) q = elementValue(q + 2);
        }
        return q;
    }

    private int elementValue(int q) {
        char t = (char) (b[q] & 0xff);
        return switch (t) {
            case 'e' -> {
                descriptor(u2(q + 1));
                yield q + 5;
            }
            case 'c' -> {
                descriptor(u2(q + 1));
                yield q + 3;
            }
            case '@' -> annotations(q + 1, 1);
            case '[' -> {
                int r = q + 3;
                for (int i = 0, n = u2(q + 1); i < n; i++) r = elementValue(r);
                yield r;
            }
            default -> q + 3;
        };
    }

    /** Marks a constant used and what it refers to. */
    private void use(int index) {
        if (index == 0 || used.get(index)) return;
        used.set(index);
        int o = offset[index];
        switch (tag[index]) {
            case 7 -> {
                String name = utf8(u2(o));
                if (name.startsWith("[")) descriptor(u2(o)); else names.add(name);
            }
            case 8 -> {
                if (!strings) return;
                String s = utf8(u2(o));
                if (s.matches("[A-Za-z_$][A-Za-z0-9_$]*([./][A-Za-z_$][A-Za-z0-9_$]*)+")) names.add(s.replace('.', '/'));
            }
            case 9, 10, 11 -> {
                use(u2(o));
                use(u2(o + 2));
            }
            case 12 -> descriptor(u2(o + 2));
            case 15 -> use(u2(o + 1));
            case 16 -> descriptor(u2(o));
            case 17, 18 -> use(u2(o + 2)); // the bootstrap method is read with the BootstrapMethods attribute
            default -> { }
        }
    }

    private static final Pattern NAMED = Pattern.compile("L([^;<>]+)[;<]");

    /** The classes a descriptor or generic signature names. */
    private void descriptor(int utf8Index) {
        Matcher m = NAMED.matcher(utf8(utf8Index));
        while (m.find()) names.add(m.group(1));
    }

    private String utf8(int index) {
        int o = offset[index];
        int length = u2(o);
        // Modified UTF-8; the names and descriptors read here are ASCII, and anything else only needs to not match.
        return new String(b, o + 2, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private int u2(int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private int u4(int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
