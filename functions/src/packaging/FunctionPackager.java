import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds one Lambda deployment package per function: {@code <out>/<Function>.zip} holding the classes of this module
 * that the function's handler (its {@code FunctionCatalog} entry's) reaches and the module's resources they name
 * ({@link #resources}) at the root and, under {@code lib/}, only the dependency jars that
 * {@code function-packages.properties} lists for that function (artifact ids; {@code @group} names a
 * group of them). Run by the build at package time as a single-file program, and by
 * {@code FunctionPackagesTest}, which checks each package against the classes its function loads.
 *
 * <pre>java FunctionPackager.java MANIFEST CLASSES CLASSPATH_FILE OUT_DIR [Function ...]</pre>
 * CLASSPATH_FILE: the dependency jars to ship, separated by the path separator: the build passes
 * Maven's dependency:build-classpath output with the SDK's service modules replaced by their shrunk
 * copies ({@code SdkShrinker.java}'s shipped-classpath.txt). A jar the manifest names but the classpath
 * lacks, or a jar of the classpath no function ships, fails the build: the manifest must follow the pom. Which
 * class of this module names which is read from {@code own-references.txt} beside CLASSPATH_FILE (SdkShrinker
 * writes both).
 */
public final class FunctionPackager {
    /** Left out of every package: the emulator harness is for tests and the demo. */
    static final String NOT_SHIPPED = "@not-shipped";
    private static final List<String> EXCLUDED_CLASSES = List.of("com/qualisys/controlplane/emulator/");

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: java FunctionPackager.java MANIFEST CLASSES CLASSPATH_FILE OUT_DIR [Function ...]");
            System.exit(64);
        }
        Path manifest = Path.of(args[0]);
        Path classes = Path.of(args[1]);
        List<Path> jars = new ArrayList<>();
        for (String s : Files.readString(Path.of(args[2])).strip().split(java.io.File.pathSeparator)) {
            if (!s.isBlank()) jars.add(Path.of(s));
        }
        Path out = Path.of(args[3]);
        Map<String, Set<String>> packages = read(manifest);
        List<String> only = List.of(args).subList(4, args.length);
        Map<String, Path> byArtifact = byArtifact(jars);
        List<String> problems = new ArrayList<>();
        Set<String> shipped = new LinkedHashSet<>(notShipped(manifest));
        packages.forEach((function, artifacts) -> artifacts.forEach(a -> {
            if (!byArtifact.containsKey(a)) problems.add(function + " lists " + a + ", which is not a runtime dependency of the module");
            shipped.add(a);
        }));
        byArtifact.keySet().stream().filter(a -> !shipped.contains(a))
                .forEach(a -> problems.add(a + " is a runtime dependency no function ships: list it in " + manifest.getFileName()
                        + " or drop it from the pom"));
        for (String f : only) if (!packages.containsKey(f)) problems.add("no function " + f + " in " + manifest);
        Map<String, List<String>> references = ownReferences(Path.of(args[2]).resolveSibling("own-references.txt"));
        Map<String, String> handlers = handlers(classes);
        for (String f : packages.keySet()) {
            if (!handlers.containsKey(f)) problems.add(f + " is no function of FunctionCatalog " + handlers.keySet());
            else if (!references.containsKey(handlers.get(f))) problems.add(f + ": no handler class " + handlers.get(f) + " in " + classes);
        }
        if (!problems.isEmpty()) {
            System.err.println("function packages: " + String.join("\n  ", problems));
            System.exit(1);
        }
        Files.createDirectories(out);
        List<String> files = moduleFiles(classes);
        for (var e : packages.entrySet()) {
            if (!only.isEmpty() && !only.contains(e.getKey())) continue;
            Path zip = out.resolve(e.getKey() + ".zip");
            Set<String> own = reached(handlers.get(e.getKey()), references);
            Set<String> packaged = new java.util.HashSet<>(resources(classes, files, own));
            for (String c : own) packaged.add(c + ".class");
            write(zip, classes, files.stream().filter(packaged::contains).toList(), e.getValue().stream().map(byArtifact::get).toList());
            System.out.printf("%-15s %6.1f MB  %d jars%n", e.getKey(), Files.size(zip) / 1e6, e.getValue().size());
        }
    }

    /** Function name -> artifact ids, groups expanded. Keys starting with '@' are groups, not functions. */
    static Map<String, Set<String>> read(Path manifest) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            p.load(in);
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> !k.startsWith("@")).sorted()
                .forEach(k -> out.put(k, expand(p, k, new LinkedHashSet<>())));
        return out;
    }

    /** The group {@value #NOT_SHIPPED}: runtime dependencies of the pom that no function loads (annotations, optional parts). */
    static Set<String> notShipped(Path manifest) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            p.load(in);
        }
        return p.getProperty(NOT_SHIPPED) == null ? Set.of() : expand(p, NOT_SHIPPED, new LinkedHashSet<>());
    }

    private static Set<String> expand(Properties p, String key, Set<String> seen) {
        if (!seen.add(key)) throw new IllegalArgumentException("group " + key + " includes itself");
        String value = p.getProperty(key);
        if (value == null) throw new IllegalArgumentException("no group " + key + " in the manifest");
        Set<String> out = new LinkedHashSet<>();
        for (String item : value.split("[,\\s]+")) {
            if (item.isBlank()) continue;
            if (item.startsWith("@")) out.addAll(expand(p, item, seen));
            else out.add(item);
        }
        seen.remove(key);
        return out;
    }

    /** artifactId -> jar, from Maven's file names (artifactId-version[-classifier].jar). */
    private static Map<String, Path> byArtifact(List<Path> jars) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path jar : jars) {
            if (Files.isDirectory(jar)) {
                // A module of this build not packaged yet (its target/classes): named after the module's directory.
                out.put(jar.toAbsolutePath().getParent().getParent().getFileName().toString(), jar);
                continue;
            }
            String name = jar.getFileName().toString();
            String artifact = name.replaceFirst("-\\d[^-]*(-[^-]+)?\\.jar$", "");
            // In the repository layout the artifact id is the grand-parent directory: prefer it when present.
            Path version = jar.getParent();
            if (version != null && version.getParent() != null && name.startsWith(version.getParent().getFileName() + "-")) {
                artifact = version.getParent().getFileName().toString();
            }
            out.put(artifact, jar);
        }
        return out;
    }

    /**
     * Function name -> its handler class (internal name), as this module's FunctionCatalog names them: the class Lambda
     * runs, which the CDK app deploys with.
     */
    static Map<String, String> handlers(Path classes) throws IOException {
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, null)) {
            Class<?> catalog = Class.forName("com.qualisys.controlplane.handlers.FunctionCatalog", true, loader);
            java.lang.reflect.Method name = catalog.getMethod("functionName");
            java.lang.reflect.Method handler = catalog.getMethod("handler");
            Map<String, String> out = new LinkedHashMap<>();
            for (Object f : catalog.getEnumConstants()) out.put((String) name.invoke(f), ((String) handler.invoke(f)).replace('.', '/'));
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read FunctionCatalog from " + classes + ": " + e, e);
        }
    }

    /** class -> the classes of this module it names, as SdkShrinker wrote them. */
    static Map<String, List<String>> ownReferences(Path file) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            List<String> names = List.of(line.strip().split(" "));
            if (!names.get(0).isEmpty()) out.put(names.get(0), names.subList(1, names.size()));
        }
        return out;
    }

    /** The classes a handler reaches, itself included. */
    static Set<String> reached(String handler, Map<String, List<String>> references) {
        Set<String> reached = new LinkedHashSet<>(List.of(handler));
        java.util.Deque<String> work = new java.util.ArrayDeque<>(reached);
        while (!work.isEmpty()) {
            for (String next : references.getOrDefault(work.pop(), List.of())) if (reached.add(next)) work.add(next);
        }
        return reached;
    }

    /**
     * The module's resources a package ships: the files at the root of the classes (log4j2.xml, which a library looks up
     * by name) and every resource that a class of ours the package ships, or a resource it ships, names by its path or
     * by a folder holding it ({@code "rds-ca/global-bundle.pem"}, {@code "/environments/"}, a values file a spec names).
     * Code that reads a resource names where it is, so the CA bundle ships only with the database functions.
     */
    static Set<String> resources(Path classes, List<String> files, Set<String> ownClasses) throws IOException {
        List<String> all = files.stream().filter(f -> !f.endsWith(".class")).toList();
        Set<String> shipped = new java.util.TreeSet<>();
        java.util.Deque<String> texts = new java.util.ArrayDeque<>();
        for (String c : ownClasses) texts.add(c + ".class");
        for (String r : all) if (!r.contains("/") && shipped.add(r)) texts.add(r);
        while (!texts.isEmpty()) {
            // Class files hold their strings in modified UTF-8, which is ASCII for a path: compare bytes as Latin-1.
            String text = new String(Files.readAllBytes(classes.resolve(texts.pop())), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String r : all) if (!shipped.contains(r) && names(text, r) && shipped.add(r)) texts.add(r);
        }
        return shipped;
    }

    /** Whether text holds resource's path or the path of a folder of it followed by '/'. */
    private static boolean names(String text, String resource) {
        for (int slash = resource.indexOf('/'); slash > 0; slash = resource.indexOf('/', slash + 1)) {
            if (text.contains(resource.substring(0, slash + 1))) return true;
        }
        return text.contains(resource);
    }

    /** The module's files (classes and resources) by their path in a package, in order; the emulator harness left out. */
    static List<String> moduleFiles(Path classes) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString))
                    .map(f -> classes.relativize(f).toString().replace('\\', '/'))
                    .filter(name -> EXCLUDED_CLASSES.stream().noneMatch(name::startsWith)).toList();
        }
    }

    /** The package: the module's files named (their paths under classes), then the jars under lib/. */
    private static void write(Path zip, Path classes, List<String> files, List<Path> libs) throws IOException {
        Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            out.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            for (String name : files) entry(out, name, classes.resolve(name));
            for (Path lib : libs) {
                if (Files.isDirectory(lib)) jarEntry(out, "lib/" + lib.toAbsolutePath().getParent().getParent().getFileName() + ".jar", lib);
                else entry(out, "lib/" + lib.getFileName(), lib);
            }
        }
        Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A directory of classes, as a jar under lib/. */
    private static void jarEntry(ZipOutputStream out, String name, Path dir) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream jar = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                entry(jar, dir.relativize(f).toString().replace('\\', '/'), f);
            }
        }
        ZipEntry e = new ZipEntry(name);
        e.setTime(0);
        out.putNextEntry(e);
        out.write(bytes.toByteArray());
        out.closeEntry();
    }

    private static void entry(ZipOutputStream out, String name, Path file) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0); // the same inputs give the same zip: the CDK uploads a package only when it changed
        out.putNextEntry(e);
        Files.copy(file, out);
        out.closeEntry();
    }

    private FunctionPackager() {}
}
