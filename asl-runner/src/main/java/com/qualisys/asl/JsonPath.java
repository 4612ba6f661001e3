package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The JSONPath subset that the Amazon States Language needs.
 *
 * <p>Supported: the roots {@code $} (state input) and {@code $$} (context object); dot members
 * ({@code $.detail-type}); bracket members ({@code $['a b']}, {@code $["a"]}); array indexes,
 * negative ones counting from the end ({@code $.a[0]}, {@code $.a[-1]}); and, in Paths that may
 * select several nodes, the wildcard ({@code $.a[*]}, {@code $.a.*}), slices ({@code $.a[1:3]},
 * {@code $.a[-3:]}), unions ({@code $.a[0,2]}, {@code $['x','y']}) and deep scan ({@code $..id}).
 *
 * <p>A <em>definite</em> path (members and indexes only) selects one node and is an ASL
 * Reference Path; reading it where the node is absent is a failure. An indefinite path selects
 * a list of nodes, returned as an array (possibly empty), as Jayway JSONPath, which AWS uses,
 * does. Filters ({@code [?(...)]}), script expressions and functions ({@code .length()}) are
 * rejected at parse time with a message that says so.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class JsonPath {

    /** Which document the path starts from. */
    enum Root { INPUT, CONTEXT }

    sealed interface Segment permits Member, Index, Wildcard, Slice, Union, DeepScan {}

    record Member(String name) implements Segment {}

    record Index(int index) implements Segment {}

    record Wildcard() implements Segment {}

    record Slice(Integer start, Integer end, int step) implements Segment {}

    /** Either member names or indexes, never both. */
    record Union(List<String> names, List<Integer> indexes) implements Segment {}

    /** {@code ..name}, {@code ..*} or {@code ..[...]}: {@code target} applied at every depth. */
    record DeepScan(Segment target) implements Segment {}

    /** Thrown by {@link #parse} for text that is not a path this runner supports. */
    static final class InvalidPathException extends IllegalArgumentException {
        InvalidPathException(String text, String reason) {
            super("invalid JSONPath '" + text + "': " + reason);
        }
    }

    static final JsonPath ROOT = parse("$");

    private final String text;
    private final Root root;
    private final List<Segment> segments;
    private final boolean definite;

    private JsonPath(String text, Root root, List<Segment> segments) {
        this.text = text;
        this.root = root;
        this.segments = List.copyOf(segments);
        this.definite = segments.stream().allMatch(s -> s instanceof Member || s instanceof Index);
    }

    String text() {
        return text;
    }

    Root root() {
        return root;
    }

    List<Segment> segments() {
        return segments;
    }

    /** True when the path can select at most one node: an ASL Reference Path. */
    boolean isDefinite() {
        return definite;
    }

    boolean isContextPath() {
        return root == Root.CONTEXT;
    }

    @Override
    public String toString() {
        return text;
    }

    // ------------------------------------------------------------------ parsing

    static JsonPath parse(String text) {
        if (text == null) {
            throw new InvalidPathException("null", "a path must be a string");
        }
        Parser p = new Parser(text);
        return p.parse();
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        JsonPath parse() {
            Root root;
            if (text.startsWith("$$")) {
                root = Root.CONTEXT;
                pos = 2;
            } else if (text.startsWith("$")) {
                root = Root.INPUT;
                pos = 1;
            } else {
                throw fail("a path must start with '$' (state input) or '$$' (context object)");
            }
            List<Segment> segments = new ArrayList<>();
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '.') {
                    pos++;
                    if (peek() == '.') {
                        pos++;
                        segments.add(new DeepScan(deepTarget()));
                    } else if (peek() == '*') {
                        pos++;
                        segments.add(new Wildcard());
                    } else {
                        segments.add(new Member(dotName()));
                    }
                } else if (c == '[') {
                    segments.add(bracket());
                } else {
                    throw fail("unexpected character '" + c + "' at position " + pos);
                }
            }
            return new JsonPath(text, root, segments);
        }

        private Segment deepTarget() {
            char c = peek();
            if (c == '*') {
                pos++;
                return new Wildcard();
            }
            if (c == '[') {
                return bracket();
            }
            return new Member(dotName());
        }

        private String dotName() {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (pos < text.length() && text.charAt(pos) == '(') {
                throw fail("JSONPath functions such as '" + text.substring(start, pos)
                        + "()' are not supported by the local runner");
            }
            if (pos == start) {
                throw fail("expected a member name at position " + start);
            }
            return text.substring(start, pos);
        }

        private static boolean isNameChar(char c) {
            return !Character.isWhitespace(c) && ".[]*@,:?()'\"$".indexOf(c) < 0;
        }

        private Segment bracket() {
            pos++; // [
            skipSpaces();
            char c = peek();
            Segment segment;
            if (c == '?') {
                throw fail("JSONPath filter expressions ([?(...)]) are not supported by the local runner");
            } else if (c == '(') {
                throw fail("JSONPath script expressions ([(...)]) are not supported by the local runner");
            } else if (c == '*') {
                pos++;
                segment = new Wildcard();
            } else if (c == '\'' || c == '"') {
                List<String> names = new ArrayList<>();
                names.add(quoted());
                skipSpaces();
                while (peek() == ',') {
                    pos++;
                    skipSpaces();
                    if (peek() != '\'' && peek() != '"') {
                        throw fail("expected a quoted member name at position " + pos);
                    }
                    names.add(quoted());
                    skipSpaces();
                }
                segment = names.size() == 1 ? new Member(names.get(0)) : new Union(List.copyOf(names), List.of());
            } else {
                segment = indexOrSlice();
            }
            skipSpaces();
            if (peek() != ']') {
                throw fail("expected ']' at position " + pos);
            }
            pos++;
            return segment;
        }

        private Segment indexOrSlice() {
            Integer first = optionalInt();
            skipSpaces();
            if (peek() == ':') {
                pos++;
                skipSpaces();
                Integer end = optionalInt();
                skipSpaces();
                int step = 1;
                if (peek() == ':') {
                    pos++;
                    skipSpaces();
                    Integer s = optionalInt();
                    step = s == null ? 1 : s;
                    if (step == 0) {
                        throw fail("slice step must not be 0");
                    }
                }
                return new Slice(first, end, step);
            }
            if (first == null) {
                throw fail("expected an index, a slice, '*' or a quoted name at position " + pos);
            }
            if (peek() == ',') {
                List<Integer> indexes = new ArrayList<>();
                indexes.add(first);
                while (peek() == ',') {
                    pos++;
                    skipSpaces();
                    Integer next = optionalInt();
                    if (next == null) {
                        throw fail("expected an index at position " + pos);
                    }
                    indexes.add(next);
                    skipSpaces();
                }
                return new Union(List.of(), List.copyOf(indexes));
            }
            return new Index(first);
        }

        private Integer optionalInt() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            String digits = text.substring(start, pos);
            if (digits.isEmpty()) {
                return null;
            }
            if (digits.equals("-")) {
                throw fail("expected digits after '-' at position " + start);
            }
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw fail("index " + digits + " is out of range");
            }
        }

        private String quoted() {
            char quote = text.charAt(pos++);
            StringBuilder sb = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    sb.append(text.charAt(pos++));
                } else if (c == quote) {
                    return sb.toString();
                } else {
                    sb.append(c);
                }
            }
            throw fail("unterminated quoted name");
        }

        private void skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private InvalidPathException fail(String reason) {
            return new InvalidPathException(text, reason);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads the path from {@code document}. A definite path yields the node or empty when it is
     * absent; an indefinite path always yields an array of the matches.
     */
    Optional<JsonNode> read(JsonNode document) {
        if (definite) {
            JsonNode current = document;
            for (Segment s : segments) {
                current = step(current, s);
                if (current == null) {
                    return Optional.empty();
                }
            }
            return Optional.ofNullable(current);
        }
        List<JsonNode> current = new ArrayList<>();
        if (document != null) {
            current.add(document);
        }
        for (Segment s : segments) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                select(node, s, next);
            }
            current = next;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        current.forEach(out::add);
        return Optional.of(out);
    }

    private static JsonNode step(JsonNode node, Segment s) {
        if (s instanceof Member m) {
            return node.isObject() ? node.get(m.name()) : null;
        }
        if (s instanceof Index i) {
            if (!node.isArray()) {
                return null;
            }
            int idx = i.index() < 0 ? node.size() + i.index() : i.index();
            return idx >= 0 && idx < node.size() ? node.get(idx) : null;
        }
        throw new IllegalStateException("not a definite segment: " + s);
    }

    private static void select(JsonNode node, Segment s, List<JsonNode> out) {
        switch (s) {
            case Member m -> {
                JsonNode child = step(node, m);
                if (child != null) {
                    out.add(child);
                }
            }
            case Index i -> {
                JsonNode child = step(node, i);
                if (child != null) {
                    out.add(child);
                }
            }
            case Wildcard w -> {
                if (node.isArray() || node.isObject()) {
                    node.elements().forEachRemaining(out::add);
                }
            }
            case Slice sl -> {
                if (node.isArray()) {
                    slice(node, sl, out);
                }
            }
            case Union u -> {
                for (String name : u.names()) {
                    select(node, new Member(name), out);
                }
                for (Integer index : u.indexes()) {
                    select(node, new Index(index), out);
                }
            }
            case DeepScan d -> deepScan(node, d.target(), out);
        }
    }

    private static void slice(JsonNode array, Slice sl, List<JsonNode> out) {
        int size = array.size();
        int step = sl.step();
        if (step > 0) {
            int start = normalize(sl.start(), size, 0);
            int end = normalize(sl.end(), size, size);
            for (int i = start; i < end; i += step) {
                out.add(array.get(i));
            }
        } else {
            int start = sl.start() == null ? size - 1 : Math.min(normalize(sl.start(), size, 0), size - 1);
            int end = sl.end() == null ? -1 : normalize(sl.end(), size, 0);
            for (int i = start; i > end; i += step) {
                out.add(array.get(i));
            }
        }
    }

    private static int normalize(Integer index, int size, int absent) {
        if (index == null) {
            return absent;
        }
        int i = index < 0 ? size + index : index;
        return Math.max(0, Math.min(size, i));
    }

    private static void deepScan(JsonNode node, Segment target, List<JsonNode> out) {
        select(node, target, out);
        if (node.isArray() || node.isObject()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                deepScan(it.next(), target, out);
            }
        }
    }

    // ------------------------------------------------------------------ writing (ResultPath)

    /** Why {@link #write} could not place the value. */
    static final class PathMatchException extends Exception {
        PathMatchException(String message) {
            super(message);
        }
    }

    /**
     * Returns a copy of {@code document} with {@code value} placed at this (definite, input-rooted)
     * path, creating missing intermediate objects, as ResultPath does. {@code document} is never
     * modified.
     */
    JsonNode write(JsonNode document, JsonNode value) throws PathMatchException {
        if (!definite || root != Root.INPUT) {
            throw new IllegalStateException("not a reference path: " + text);
        }
        if (segments.isEmpty()) {
            return value;
        }
        JsonNode copy = document == null ? JsonNodeFactory.instance.objectNode() : document.deepCopy();
        JsonNode container = copy;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (s instanceof Member m) {
                if (!(container instanceof ObjectNode obj)) {
                    throw new PathMatchException("cannot set member '" + m.name() + "' of path " + text
                            + ": the value it belongs to is " + describe(container) + ", not an object");
                }
                if (last) {
                    obj.set(m.name(), value);
                } else {
                    JsonNode child = obj.get(m.name());
                    if (child == null || child.isNull()) {
                        child = obj.putObject(m.name());
                    }
                    container = child;
                }
            } else {
                int index = ((Index) s).index();
                if (!(container instanceof ArrayNode arr)) {
                    throw new PathMatchException("cannot set index [" + index + "] of path " + text
                            + ": the value it belongs to is " + describe(container) + ", not an array");
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

    private static String describe(JsonNode node) {
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

    static String describeType(JsonNode node) {
        return node == null ? "absent" : describe(node);
    }
}
