package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ASL path: {@code $...} into the state's data, {@code $$...} into the context object, or
 * {@code $name...} into the workflow variable {@code name}. Reading is Jayway JsonPath's (the
 * implementation AWS documents its path semantics against): members, indexes, wildcards,
 * slices, unions, deep scan, filters ({@code [?(@.price > 10)]}) and functions.
 *
 * <p>A <em>definite</em> path selects at most one node; reading it where the node is absent
 * yields empty. An indefinite path always yields an array of the matches, possibly empty.
 * A <em>reference path</em> (members and indexes only) can also be written, as ResultPath does;
 * Jayway cannot create the missing intermediate objects that ResultPath creates, so writing is
 * this class's own.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class JsonPath {

    /** Which document the path starts from. */
    enum Root { INPUT, CONTEXT, VARIABLE }

    /** Thrown by {@link #parse} for text that is not a valid path. */
    static final class InvalidPath extends IllegalArgumentException {
        InvalidPath(String text, String reason) {
            super("invalid JSONPath '" + text + "': " + reason);
        }
    }

    private static final Configuration JAYWAY = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.MAPPER))
            .mappingProvider(new JacksonMappingProvider(Json.MAPPER))
            .build();
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)(.*)", Pattern.DOTALL);
    private static final Pattern DOT_MEMBER = Pattern.compile("\\.([^.\\[\\]()*@?,:'\" ]+)");
    private static final Pattern QUOTED_MEMBER = Pattern.compile("\\[\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")\\s*]");
    private static final Pattern INDEX = Pattern.compile("\\[\\s*(-?\\d+)\\s*]");

    static final JsonPath ROOT = parse("$");

    private final String text;
    private final Root root;
    private final String variable;
    private final com.jayway.jsonpath.JsonPath compiled;
    /** Member names (String) and indexes (Integer) of a reference path; null when it is not one. */
    private final List<Object> reference;

    private JsonPath(String text, Root root, String variable, com.jayway.jsonpath.JsonPath compiled,
                     List<Object> reference) {
        this.text = text;
        this.root = root;
        this.variable = variable;
        this.compiled = compiled;
        this.reference = reference;
    }

    static JsonPath parse(String text) {
        if (text == null) {
            throw new InvalidPath("null", "a path must be a string");
        }
        Root root;
        String variable = null;
        String rest;
        if (text.startsWith("$$")) {
            root = Root.CONTEXT;
            rest = text.substring(2);
        } else {
            Matcher v = VARIABLE.matcher(text);
            if (v.matches()) {
                root = Root.VARIABLE;
                variable = v.group(1);
                rest = v.group(2);
            } else if (text.startsWith("$")) {
                root = Root.INPUT;
                rest = text.substring(1);
            } else {
                throw new InvalidPath(text, "a path must start with '$' (state input), '$$' (context object)"
                        + " or '$name' (a variable)");
            }
        }
        if (!rest.isEmpty() && rest.charAt(0) != '.' && rest.charAt(0) != '[') {
            throw new InvalidPath(text, "expected '.' or '[' after the root, got '" + rest.charAt(0) + "'");
        }
        com.jayway.jsonpath.JsonPath compiled;
        try {
            compiled = com.jayway.jsonpath.JsonPath.compile("$" + rest);
        } catch (InvalidPathException e) {
            throw new InvalidPath(text, e.getMessage());
        }
        return new JsonPath(text, root, variable, compiled, referenceSegments(rest));
    }

    /** The segments of a reference path ({@code .a}, {@code ['a b']}, {@code [2]} only), or null. */
    private static List<Object> referenceSegments(String rest) {
        List<Object> out = new ArrayList<>();
        int pos = 0;
        while (pos < rest.length()) {
            Matcher m;
            if ((m = DOT_MEMBER.matcher(rest).region(pos, rest.length())).lookingAt()) {
                out.add(m.group(1));
            } else if ((m = QUOTED_MEMBER.matcher(rest).region(pos, rest.length())).lookingAt()) {
                String quoted = m.group(1) != null ? m.group(1) : m.group(2);
                out.add(quoted.replaceAll("\\\\(.)", "$1"));
            } else if ((m = INDEX.matcher(rest).region(pos, rest.length())).lookingAt()) {
                try {
                    out.add(Integer.parseInt(m.group(1)));
                } catch (NumberFormatException e) {
                    return null;
                }
            } else {
                return null;
            }
            pos = m.end();
        }
        return List.copyOf(out);
    }

    String text() {
        return text;
    }

    Root root() {
        return root;
    }

    /** The variable a {@code $name...} path starts from; null for the other roots. */
    String variable() {
        return variable;
    }

    /** True when the path can select at most one node. */
    boolean isDefinite() {
        return compiled.isDefinite();
    }

    /** True for an ASL Reference Path: members and indexes only, so that it can be written. */
    boolean isReference() {
        return reference != null;
    }

    boolean isContextPath() {
        return root == Root.CONTEXT;
    }

    @Override
    public String toString() {
        return text;
    }

    // ------------------------------------------------------------------ reading

    /** Reads the path from the document its root names in {@code scope}. */
    Optional<JsonNode> read(Scope scope) {
        JsonNode document = switch (root) {
            case INPUT -> scope.input();
            case CONTEXT -> scope.context();
            case VARIABLE -> {
                JsonNode v = scope.variable(variable);
                if (v == null) {
                    throw StatesError.runtime("The JSONPath '" + text + "' references the variable $" + variable
                            + ", which has not been assigned");
                }
                yield v;
            }
        };
        return read(document);
    }

    /**
     * Reads the path from {@code document}. A definite path yields the node or empty when it is
     * absent; an indefinite path always yields an array of the matches.
     */
    Optional<JsonNode> read(JsonNode document) {
        if (document == null) {
            return isDefinite() ? Optional.empty() : Optional.of(JsonNodeFactory.instance.arrayNode());
        }
        Object value;
        try {
            value = compiled.read(document, JAYWAY);
        } catch (PathNotFoundException e) {
            return isDefinite() ? Optional.empty() : Optional.of(JsonNodeFactory.instance.arrayNode());
        } catch (JsonPathException e) {
            throw StatesError.runtime("The JSONPath '" + text + "' could not be evaluated: " + e.getMessage());
        }
        if (value == null || value instanceof JsonNode n && n.isNull()) {
            // Jayway answers null both for a JSON null and for an index past the end of an array.
            return reference != null && !present(document) ? Optional.empty()
                    : Optional.of(JsonNodeFactory.instance.nullNode());
        }
        return Optional.of(value instanceof JsonNode node ? node : Json.MAPPER.valueToTree(value));
    }

    /** Whether this reference path's node exists in {@code document}. */
    private boolean present(JsonNode document) {
        JsonNode current = document;
        for (Object s : reference) {
            if (s instanceof String name) {
                current = current.isObject() ? current.get(name) : null;
            } else {
                int index = (Integer) s;
                int idx = index < 0 ? current.size() + index : index;
                current = current.isArray() && idx >= 0 && idx < current.size() ? current.get(idx) : null;
            }
            if (current == null) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ writing (ResultPath)

    /** Why {@link #write} could not place the value. */
    static final class PathMatchException extends Exception {
        PathMatchException(String message) {
            super(message);
        }
    }

    /**
     * Returns a copy of {@code document} with {@code value} placed at this (reference,
     * input-rooted) path, creating missing intermediate objects, as ResultPath does.
     * {@code document} is never modified.
     */
    JsonNode write(JsonNode document, JsonNode value) throws PathMatchException {
        if (reference == null || root != Root.INPUT) {
            throw new IllegalStateException("not a reference path: " + text);
        }
        if (reference.isEmpty()) {
            return value;
        }
        JsonNode copy = document == null ? JsonNodeFactory.instance.objectNode() : document.deepCopy();
        JsonNode container = copy;
        for (int i = 0; i < reference.size(); i++) {
            Object s = reference.get(i);
            boolean last = i == reference.size() - 1;
            if (s instanceof String name) {
                if (!(container instanceof ObjectNode obj)) {
                    throw new PathMatchException("cannot set member '" + name + "' of path " + text
                            + ": the value it belongs to is " + describeType(container) + ", not an object");
                }
                if (last) {
                    obj.set(name, value);
                } else {
                    JsonNode child = obj.get(name);
                    if (child == null || child.isNull()) {
                        child = obj.putObject(name);
                    }
                    container = child;
                }
            } else {
                int index = (Integer) s;
                if (!(container instanceof ArrayNode arr)) {
                    throw new PathMatchException("cannot set index [" + index + "] of path " + text
                            + ": the value it belongs to is " + describeType(container) + ", not an array");
                }
                int idx = index < 0 ? arr.size() + index : index;
                if (idx < 0 || idx >= arr.size()) {
                    throw new PathMatchException("index [" + index + "] of path " + text
                            + " is outside the array of size " + arr.size());
                }
                if (last) {
                    arr.set(idx, value);
                } else {
                    container = arr.get(idx);
                }
            }
        }
        return copy;
    }

    static String describeType(JsonNode node) {
        if (node == null) {
            return "absent";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
