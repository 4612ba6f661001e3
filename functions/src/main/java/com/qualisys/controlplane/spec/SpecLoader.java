package com.qualisys.controlplane.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads {@code environments/defaults.yaml} merged with {@code environments/<env>.yaml} into an
 * {@link EnvironmentSpec}, strictly: unknown keys, wrong types and invalid values are errors that
 * name the file, the path and the value. Nothing here talks to AWS.
 */
public final class SpecLoader {
    public static final String DEFAULTS = "defaults.yaml";
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .registerModule(new SimpleModule("unmodifiable-collections").setDeserializerModifier(new UnmodifiableCollections()));

    /** Reads a file of the environments folder by its relative name; empty when absent. */
    public interface Source {
        Optional<String> read(String relativePath);

        List<String> environmentNames();

        String displayRoot();

        /** Why this source cannot hold environments at all (a folder that does not exist or is empty), if so. */
        default Optional<String> missing() {
            return Optional.empty();
        }
    }

    private final Source source;
    /** Environment name → what is merged over its file, last (null: nothing). */
    private final java.util.function.Function<String, JsonNode> overlay;
    /** Per environment, the last spec loaded and what it was made from. */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    /**
     * A spec and its inputs: every file it read (absent ones too) and the overlay. A load is a function of these
     * alone, so when they all read the same again the spec is the same: a warm Lambda invocation, the hub guard
     * and the handler all load the same packaged files, and only the first of them parses and binds.
     */
    private record Loaded(Map<String, Optional<String>> reads, JsonNode overlay, EnvironmentSpec spec) {
        boolean madeFrom(Source source, JsonNode currentOverlay) {
            return Objects.equals(overlay, currentOverlay)
                    && reads.entrySet().stream().allMatch(read -> source.read(read.getKey()).equals(read.getValue()));
        }
    }

    public SpecLoader(Source source) {
        this(source, null);
    }

    private SpecLoader(Source source, java.util.function.Function<String, JsonNode> overlay) {
        this.source = source;
        this.overlay = overlay;
    }

    /**
     * The same environments with {@code overlay.apply(environment)} (when not null) merged over each environment
     * file (maps key by key, lists replaced), validated as strictly: how a local run swaps what cannot be reached
     * from it (the demo's chart repositories) without editing the files.
     */
    public SpecLoader withOverlay(java.util.function.Function<String, JsonNode> overlay) {
        return new SpecLoader(source, overlay);
    }

    /**
     * Environments from a folder on disk (the repo's environments/ by default). Errors name the folder
     * as given: relative to the working directory when it is below it, else absolute.
     */
    public static SpecLoader fromDirectory(Path dir) {
        String shown = shown(dir);
        return new SpecLoader(new Source() {
            public Optional<String> read(String relativePath) {
                Path p = dir.resolve(relativePath).normalize();
                if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) return Optional.empty();
                try {
                    return Optional.of(Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            public List<String> environmentNames() {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".yaml") && !n.equals(DEFAULTS))
                            .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
                } catch (IOException e) {
                    return List.of();
                }
            }

            public String displayRoot() {
                return shown;
            }

            public Optional<String> missing() {
                if (!Files.isDirectory(dir)) return Optional.of("does not exist or is not a folder");
                if (environmentNames().isEmpty()) return Optional.of("holds no environment file (<env>.yaml besides " + DEFAULTS + ")");
                return Optional.empty();
            }
        });
    }

    private static String shown(Path dir) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = dir.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    /** Environments packaged into the function jar under /environments (how the Lambdas read them). */
    public static SpecLoader fromClasspath() {
        return new SpecLoader(new Source() {
            public Optional<String> read(String relativePath) {
                try (InputStream in = SpecLoader.class.getResourceAsStream("/environments/" + relativePath)) {
                    return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            public List<String> environmentNames() {
                return read("index.txt").map(s -> s.lines().map(String::trim).filter(l -> !l.isEmpty()).toList())
                        .orElse(List.of("dev", "staging", "production"));
            }

            public String displayRoot() {
                return "environments";
            }
        });
    }

    /** The repo's environments/ folder, or QUALISYS_ENVIRONMENTS_DIR, or the packaged copy. */
    public static SpecLoader standard() {
        String configured = System.getenv("QUALISYS_ENVIRONMENTS_DIR");
        if (configured != null && !configured.isBlank()) return fromDirectory(Path.of(configured));
        Path local = Path.of("environments");
        if (Files.isRegularFile(local.resolve(DEFAULTS))) return fromDirectory(local.toAbsolutePath());
        return fromClasspath();
    }

    public List<String> environmentNames() {
        return source.environmentNames();
    }

    /** Fails when the specs folder does not exist or holds no environment, naming it. */
    public void checkNotEmpty() {
        source.missing().ifPresent(why -> {
            throw new SpecException(new SpecError(source.displayRoot(), "", null, why));
        });
    }

    /**
     * Loads and validates one environment. The spec is immutable, and the same instance as the last load's when
     * every file it was made from reads the same (parsing and binding are most of a small function's spec cost).
     */
    public EnvironmentSpec load(String environment) {
        String envFile = displayName(environment + ".yaml");
        if (environment == null || !ENVIRONMENT_NAME.matcher(environment).matches()) {
            throw new SpecException(new SpecError(source.displayRoot(), "environment", String.valueOf(environment),
                    "is not a valid environment name (lower-case letters, digits and '-', starting with a letter)"));
        }
        checkNotEmpty();
        Loaded last = loaded.get(environment);
        if (last != null && last.madeFrom(source, overlaid(environment))) return last.spec();

        Map<String, Optional<String>> reads = new LinkedHashMap<>();
        String envYaml = read(environment + ".yaml", reads).orElseThrow(() -> new SpecException(new SpecError(
                source.displayRoot(), "environment", environment,
                "is not a known environment; known: " + String.join(", ", source.environmentNames()))));
        JsonNode defaults = parse(displayName(DEFAULTS), read(DEFAULTS, reads).orElse("{}"));
        JsonNode overrides = parse(envFile, envYaml);
        JsonNode overlaid = overlaid(environment);
        if (overlaid != null && overrides instanceof ObjectNode o) merge(o, overlaid.deepCopy());

        JsonNode declared = overrides.get("environment");
        if (declared == null || !declared.isTextual() || !declared.asText().equals(environment)) {
            throw new SpecException(new SpecError(envFile, "environment", declared == null ? null : declared.toString(),
                    declared == null ? "is missing: the file must name its environment (environment: " + environment + ")"
                            : "does not match the file name (expected " + environment + ")"));
        }
        ObjectNode merged = defaults.deepCopy();
        merge(merged, overrides);
        Origins origins = new Origins(defaults, overrides, displayName(DEFAULTS), envFile);

        loadPolicyDocuments(merged, origins, reads);
        EnvironmentSpec spec = bind(merged, origins);
        List<SpecError> errors = new SpecValidator(origins).validate(spec);
        if (!errors.isEmpty()) throw new SpecException(errors);
        loaded.put(environment, new Loaded(Map.copyOf(reads), overlaid == null ? null : overlaid.deepCopy(), spec));
        return spec;
    }

    /** What the overlay merges over the environment's file (null: nothing). */
    private JsonNode overlaid(String environment) {
        return overlay == null ? null : overlay.apply(environment);
    }

    private Optional<String> read(String relativePath, Map<String, Optional<String>> reads) {
        Optional<String> text = source.read(relativePath);
        reads.put(relativePath, text);
        return text;
    }

    private String displayName(String file) {
        return source.displayRoot() + "/" + file;
    }

    private static JsonNode parse(String file, String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            if (node == null || node.isMissingNode() || node.isNull()) return YAML.createObjectNode();
            if (!node.isObject()) throw new SpecException(new SpecError(file, "", null, "must be a YAML mapping at the top level"));
            return node;
        } catch (IOException e) {
            throw new SpecException(new SpecError(file, "", null, "is not valid YAML" + yamlProblem(e)));
        }
    }

    /** Maps merge key by key; anything else (lists, scalars) in the override replaces the default. */
    static void merge(ObjectNode target, JsonNode override) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = target.get(f.getKey());
            if (existing instanceof ObjectNode existingObject && f.getValue().isObject()) {
                merge(existingObject, f.getValue());
            } else {
                target.set(f.getKey(), f.getValue().deepCopy());
            }
        }
    }

    private void loadPolicyDocuments(ObjectNode merged, Origins origins, Map<String, Optional<String>> reads) {
        JsonNode policies = merged.path("iam").path("policies");
        for (int i = 0; policies.isArray() && i < policies.size(); i++) {
            if (policies.get(i) instanceof ObjectNode p) loadPolicyDocument(p, "iam.policies[" + i + "].document", origins, reads);
        }
        JsonNode irsa = merged.path("eks").path("irsaRoles");
        for (Iterator<Map.Entry<String, JsonNode>> it = irsa.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> role = it.next();
            if (role.getValue() instanceof ObjectNode p) loadPolicyDocument(p, "eks.irsaRoles." + role.getKey() + ".document", origins, reads);
        }
    }

    /** Reads the JSON file a "document" key names into a "json" key beside it. */
    private void loadPolicyDocument(ObjectNode p, String path, Origins origins, Map<String, Optional<String>> reads) {
        if (!p.path("document").isTextual()) return;
        String doc = p.get("document").asText();
        String text = read(doc, reads).orElseThrow(() -> new SpecException(new SpecError(
                origins.fileOf(path), path, doc, "does not exist under " + source.displayRoot() + "/")));
        try {
            JsonNode json = Json.mapper().readTree(text);
            if (json == null || !json.isObject()) throw new IOException("not a JSON object");
            p.put("json", json.toString());
        } catch (IOException e) {
            throw new SpecException(new SpecError(displayName(doc), "", null,
                    "is not a valid JSON policy document: " + firstLine(e.getMessage())));
        }
    }

    private EnvironmentSpec bind(ObjectNode merged, Origins origins) {
        try {
            return YAML.treeToValue(merged, EnvironmentSpec.class);
        } catch (JsonMappingException e) {
            String path = pathOf(e);
            if (e instanceof UnrecognizedPropertyException u) {
                TreeSet<String> known = new TreeSet<>();
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
                known.remove("json");
                throw new SpecException(new SpecError(origins.fileOf(path), path, null,
                        "is not a known key; expected one of " + String.join(", ", known)));
            }
            JsonNode value = origins.valueAt(merged, path);
            throw new SpecException(new SpecError(origins.fileOf(path), path, value == null ? null : value.toString(),
                    "has the wrong type or value: " + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new SpecException(new SpecError(origins.envFile, "", null, firstLine(e.getMessage())));
        }
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }

    /** " at line L, column C: problem", in the YAML's terms rather than the parser's. */
    static String yamlProblem(IOException e) {
        String where = "";
        String problem = e.getMessage();
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            problem = j.getOriginalMessage();
            var at = j.getLocation();
            if (at != null && at.getLineNr() > 0) where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        java.util.regex.Matcher dup = Pattern.compile("Duplicate field '([^']*)'").matcher(problem == null ? "" : problem);
        if (dup.find()) problem = "duplicate key '" + dup.group(1) + "'";
        return where + ": " + firstLine(problem).strip();
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Which file a merged value came from: the environment file if it sets the path, else the defaults. */
    static final class Origins {
        final JsonNode defaults;
        final JsonNode overrides;
        final String defaultsFile;
        final String envFile;

        Origins(JsonNode defaults, JsonNode overrides, String defaultsFile, String envFile) {
            this.defaults = defaults;
            this.overrides = overrides;
            this.defaultsFile = defaultsFile;
            this.envFile = envFile;
        }

        String fileOf(String path) {
            List<String> parts = split(path);
            // A prefix that the environment file replaces wholesale (a list or scalar) belongs to it too.
            JsonNode node = overrides;
            for (String part : parts) {
                node = step(node, part);
                if (node == null) return defaultsFile;
                if (!node.isObject()) return envFile;
            }
            return envFile;
        }

        JsonNode valueAt(JsonNode root, String path) {
            JsonNode node = root;
            for (String part : split(path)) {
                node = step(node, part);
                if (node == null) return null;
            }
            return node;
        }

        private static JsonNode step(JsonNode node, String part) {
            if (node == null) return null;
            if (part.startsWith("[")) {
                int i = Integer.parseInt(part.substring(1, part.length() - 1));
                return node.isArray() && i < node.size() ? node.get(i) : null;
            }
            return node.isObject() ? node.get(part) : null;
        }

        private static List<String> split(String path) {
            List<String> parts = new ArrayList<>();
            if (path == null || path.isEmpty()) return parts;
            // Keys may contain dots (kubernetes.io/role/elb), so callers pass paths built from
            // record components; split on '.' outside of those only where a component exists.
            for (String p : path.split("(?=\\[)|\\.")) if (!p.isEmpty()) parts.add(p);
            return parts;
        }
    }
}
