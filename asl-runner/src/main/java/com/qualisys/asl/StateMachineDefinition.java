package com.qualisys.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed and validated Amazon States Language definition (JSONPath or JSONata query language,
 * workflow variables), ready for {@link LocalRunner#execute}. Immutable.
 *
 * <p>Parsing rejects, with {@link AslDefinitionException}, both invalid definitions (missing
 * Next/End, unknown StartAt, transitions to nowhere, unreachable states, malformed paths,
 * expressions, rules, retriers, a field of the other query language...) and valid ones that use
 * what the runner does not implement (distributed Map, Task credentials), naming the state and
 * the field.
 */
public final class StateMachineDefinition {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}\\s]+)}");
    private static final String DEFAULT_NAME = "state-machine";

    private final String name;
    private final JsonNode json;
    private final DefinitionParser.Parsed parsed;

    private StateMachineDefinition(String name, JsonNode json, DefinitionParser.Parsed parsed) {
        this.name = name;
        this.json = json;
        this.parsed = parsed;
    }

    /** Parses a definition as is ({@code ${...}} placeholders, if any, stay literal text). */
    public static StateMachineDefinition parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AslDefinitionException("not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        return new StateMachineDefinition(DEFAULT_NAME, tree, DefinitionParser.parse(tree));
    }

    /**
     * Replaces every {@code ${Name}} placeholder with {@code substitutions.get(Name)}, verbatim (as
     * CloudFormation's DefinitionSubstitutions do), then parses. Fails naming every placeholder
     * that has no value.
     */
    public static StateMachineDefinition parse(String json, Map<String, String> substitutions) {
        return parse(substitute(json, substitutions));
    }

    /**
     * Reads {@code file} and parses it with {@code substitutions}; the definition is named after
     * the file ({@code statemachines/provision.asl.json} → {@code provision}).
     */
    public static StateMachineDefinition load(Path file, Map<String, String> substitutions) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String fileName = file.getFileName().toString();
        String name = fileName.replaceFirst("\\.asl\\.json$", "").replaceFirst("\\.json$", "");
        try {
            return parse(text, substitutions).withName(name);
        } catch (AslDefinitionException e) {
            throw new AslDefinitionException(e.problems().stream().map(p -> file + ": " + p).toList());
        }
    }

    static String substitute(String json, Map<String, String> substitutions) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(substitutions, "substitutions");
        Set<String> missing = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(json);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = substitutions.get(m.group(1));
            if (value == null) {
                missing.add("${" + m.group(1) + "}");
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new AslDefinitionException("definition substitution" + (missing.size() > 1 ? "s" : "") + " "
                    + String.join(", ", missing) + " " + (missing.size() > 1 ? "have" : "has")
                    + " no value (known: " + new java.util.TreeSet<>(substitutions.keySet()) + ")");
        }
        return out.toString();
    }

    /** This definition under another name (used in ARNs and the context object). */
    public StateMachineDefinition withName(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException("a state machine name must not be blank");
        }
        return new StateMachineDefinition(newName, json, parsed);
    }

    public String name() {
        return name;
    }

    public String startAt() {
        return parsed.graph().startAt();
    }

    public Optional<String> comment() {
        return Optional.ofNullable(parsed.comment());
    }

    /** The state machine's TimeoutSeconds, if any. */
    public OptionalInt timeoutSeconds() {
        return parsed.timeoutSeconds() == null ? OptionalInt.empty() : OptionalInt.of(parsed.timeoutSeconds());
    }

    /** Every state name, nested ones (Parallel branches, Map processors) included. */
    public Set<String> stateNames() {
        return parsed.stateNames();
    }

    /**
     * What the Task states will pass to the dispatcher as {@code resource}: the Resource, or, for
     * {@code lambda:invoke}, a literal FunctionName. Lets a caller check its dispatcher knows them
     * all before running.
     */
    public Set<String> taskResources() {
        return parsed.resources();
    }

    /** The definition document (after substitutions); a copy. */
    public JsonNode json() {
        return json.deepCopy();
    }

    StateNode.Graph graph() {
        return parsed.graph();
    }

    @Override
    public String toString() {
        return "StateMachineDefinition[" + name + ", StartAt=" + startAt() + ", " + stateNames().size() + " states]";
    }
}
