package com.qualisys.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * ASL intrinsic functions ({@code States.Format(...)} and friends) in JSONPath states: a parser
 * that runs when the definition is parsed, and an evaluator. Misuse at run time (wrong argument
 * types, out-of-range values) raises {@code States.IntrinsicFailure}.
 */
final class Intrinsic {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_NESTING = 10;
    private static final int MAX_STRING = 10_000;
    private static final int MAX_RANGE = 1000;

    /** Function name → {min, max} argument count (max -1 = unbounded). */
    private static final Map<String, int[]> ARITY = Map.ofEntries(
            Map.entry("States.Format", new int[]{1, -1}),
            Map.entry("States.StringToJson", new int[]{1, 1}),
            Map.entry("States.JsonToString", new int[]{1, 1}),
            Map.entry("States.Array", new int[]{0, -1}),
            Map.entry("States.ArrayPartition", new int[]{2, 2}),
            Map.entry("States.ArrayContains", new int[]{2, 2}),
            Map.entry("States.ArrayRange", new int[]{3, 3}),
            Map.entry("States.ArrayGetItem", new int[]{2, 2}),
            Map.entry("States.ArrayLength", new int[]{1, 1}),
            Map.entry("States.ArrayUnique", new int[]{1, 1}),
            Map.entry("States.Base64Encode", new int[]{1, 1}),
            Map.entry("States.Base64Decode", new int[]{1, 1}),
            Map.entry("States.Hash", new int[]{2, 2}),
            Map.entry("States.JsonMerge", new int[]{3, 3}),
            Map.entry("States.MathRandom", new int[]{2, 3}),
            Map.entry("States.MathAdd", new int[]{2, 2}),
            Map.entry("States.StringSplit", new int[]{2, 2}),
            Map.entry("States.UUID", new int[]{0, 0}));

    static final Set<String> HASH_ALGORITHMS = Set.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512");

    sealed interface Arg permits Literal, PathArg, Call {}

    /** A literal; for strings, {@code raw} keeps the text with its escapes (States.Format needs it). */
    record Literal(JsonNode value, String raw) implements Arg {}

    record PathArg(JsonPath path) implements Arg {}

    record Call(String name, List<Arg> args, String text) implements Arg {}

    private Intrinsic() {
    }

    static boolean looksLikeIntrinsic(String s) {
        return s.startsWith("States.");
    }

    // ------------------------------------------------------------------ parsing

    /** Parses an intrinsic invocation; throws IllegalArgumentException naming what is wrong. */
    static Call parse(String text) {
        Parser p = new Parser(text);
        Call call = p.call(1);
        p.skipSpaces();
        if (p.pos != text.length()) {
            throw p.fail("unexpected text after the closing parenthesis at position " + p.pos);
        }
        return call;
    }

    private static final class Parser {
        final String text;
        int pos;

        Parser(String text) {
            this.text = text;
        }

        Call call(int depth) {
            if (depth > MAX_NESTING) {
                throw fail("intrinsic functions can be nested at most " + MAX_NESTING + " deep");
            }
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String name = text.substring(start, pos);
            int[] arity = ARITY.get(name);
            if (arity == null) {
                throw fail("unknown intrinsic function '" + name + "'");
            }
            skipSpaces();
            expect('(');
            List<Arg> args = new ArrayList<>();
            skipSpaces();
            if (peek() != ')') {
                args.add(arg(depth));
                skipSpaces();
                while (peek() == ',') {
                    pos++;
                    args.add(arg(depth));
                    skipSpaces();
                }
            }
            expect(')');
            if (args.size() < arity[0] || (arity[1] >= 0 && args.size() > arity[1])) {
                String expected = arity[1] < 0 ? "at least " + arity[0]
                        : arity[0] == arity[1] ? String.valueOf(arity[0]) : arity[0] + " to " + arity[1];
                throw fail(name + " takes " + expected + " argument(s), got " + args.size());
            }
            return new Call(name, List.copyOf(args), text.substring(start, pos));
        }

        Arg arg(int depth) {
            skipSpaces();
            char c = peek();
            if (c == '\'') {
                return string();
            }
            if (c == '$') {
                return path();
            }
            if (text.startsWith("States.", pos)) {
                return call(depth + 1);
            }
            if (c == '-' || Character.isDigit(c)) {
                return number();
            }
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, pos) && !isWordChar(pos + word.length())) {
                    pos += word.length();
                    JsonNode v = switch (word) {
                        case "true" -> NODES.booleanNode(true);
                        case "false" -> NODES.booleanNode(false);
                        default -> NODES.nullNode();
                    };
                    return new Literal(v, word);
                }
            }
            throw fail("expected an argument (a 'string', a number, true, false, null, a path or an"
                    + " intrinsic function) at position " + pos);
        }

        private boolean isWordChar(int i) {
            return i < text.length() && Character.isLetterOrDigit(text.charAt(i));
        }

        Literal string() {
            pos++; // opening quote
            StringBuilder value = new StringBuilder();
            int rawStart = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '\\') {
                    if (pos + 1 >= text.length() || "'{}\\".indexOf(text.charAt(pos + 1)) < 0) {
                        throw fail("open escape '\\' at position " + pos
                                + " (only \\' \\{ \\} and \\\\ are escapes in intrinsic strings)");
                    }
                    value.append(text.charAt(pos + 1));
                    pos += 2;
                } else if (c == '\'') {
                    String raw = text.substring(rawStart, pos);
                    pos++;
                    return new Literal(NODES.textNode(value.toString()), raw);
                } else {
                    value.append(c);
                    pos++;
                }
            }
            throw fail("unterminated string literal");
        }

        PathArg path() {
            int start = pos;
            int brackets = 0;
            char quote = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (quote != 0) {
                    if (c == '\\') {
                        pos++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '[') {
                    brackets++;
                } else if (c == ']') {
                    brackets--;
                } else if ((c == '\'' || c == '"') && brackets > 0) {
                    quote = c;
                } else if (brackets == 0 && (c == ',' || c == ')' || c == ' ')) {
                    break;
                }
                pos++;
            }
            String p = text.substring(start, pos);
            try {
                return new PathArg(JsonPath.parse(p));
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage());
            }
        }

        Literal number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE+-".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            String n = text.substring(start, pos);
            try {
                return new Literal(MAPPER.readTree(n), n);
            } catch (JsonProcessingException | RuntimeException e) {
                throw fail("'" + n + "' is not a number");
            }
        }

        void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "' at position " + pos);
            }
            pos++;
        }

        void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        IllegalArgumentException fail(String reason) {
            return new IllegalArgumentException("invalid intrinsic function '" + text + "': " + reason);
        }
    }

    // ------------------------------------------------------------------ evaluation

    static JsonNode evaluate(Call call, Scope scope) {
        List<JsonNode> args = new ArrayList<>(call.args().size());
        for (Arg a : call.args()) {
            args.add(value(call, a, scope));
        }
        try {
            return apply(call, args);
        } catch (StatesError e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(call, e.toString());
        }
    }

    private static JsonNode value(Call call, Arg a, Scope scope) {
        return switch (a) {
            case Literal l -> l.value();
            case Call c -> evaluate(c, scope);
            case PathArg p -> {
                // As on AWS: a path argument that matches nothing is a States.Runtime error, not a misuse.
                yield p.path().read(scope).orElseThrow(() -> StatesError.runtime("The JsonPath argument for the"
                        + " field '" + p.path() + "' of " + call.name() + " could not be found in the input '"
                        + Json.abbreviate(scope.input()) + "'"));
            }
        };
    }

    private static JsonNode apply(Call call, List<JsonNode> a) {
        String name = call.name();
        return switch (name) {
            case "States.Format" -> format(call, a);
            case "States.StringToJson" -> {
                String s = string(call, a, 0);
                try {
                    JsonNode parsed = MAPPER.readTree(s);
                    // An empty (or blank) string parses to nothing: the result is JSON null, as on AWS.
                    yield parsed == null || parsed.isMissingNode() ? NODES.nullNode() : parsed;
                } catch (JsonProcessingException e) {
                    throw failure(call, "the argument is not a JSON text: " + e.getOriginalMessage());
                }
            }
            case "States.JsonToString" -> NODES.textNode(a.get(0).toString());
            case "States.Array" -> {
                ArrayNode out = NODES.arrayNode();
                a.forEach(out::add);
                yield out;
            }
            case "States.ArrayPartition" -> {
                ArrayNode array = array(call, a, 0);
                long size = integer(call, a, 1);
                if (size <= 0) {
                    throw failure(call, "the chunk size must be a positive integer, got " + size);
                }
                ArrayNode out = NODES.arrayNode();
                ArrayNode chunk = null;
                for (int i = 0; i < array.size(); i++) {
                    if (i % size == 0) {
                        chunk = out.addArray();
                    }
                    chunk.add(array.get(i));
                }
                yield out;
            }
            case "States.ArrayContains" -> {
                ArrayNode array = array(call, a, 0);
                boolean found = false;
                for (JsonNode item : array) {
                    if (JsonValues.equal(item, a.get(1))) {
                        found = true;
                        break;
                    }
                }
                yield NODES.booleanNode(found);
            }
            case "States.ArrayRange" -> {
                long start = integer(call, a, 0);
                long end = integer(call, a, 1);
                long step = integer(call, a, 2);
                if (step == 0) {
                    throw failure(call, "the step must not be 0");
                }
                long count = (end - start) / step >= 0 ? (end - start) / step + 1 : 0;
                if (count > MAX_RANGE) {
                    throw failure(call, "the range has " + count + " items; at most " + MAX_RANGE + " are allowed");
                }
                ArrayNode out = NODES.arrayNode();
                for (long i = 0, v = start; i < count; i++, v += step) {
                    out.add(number(v));
                }
                yield out;
            }
            case "States.ArrayGetItem" -> {
                ArrayNode array = array(call, a, 0);
                long index = integer(call, a, 1);
                if (index < 0 || index >= array.size()) {
                    throw failure(call, "index " + index + " is outside the array of size " + array.size());
                }
                yield array.get((int) index);
            }
            case "States.ArrayLength" -> NODES.numberNode(array(call, a, 0).size());
            case "States.ArrayUnique" -> {
                ArrayNode array = array(call, a, 0);
                ArrayNode out = NODES.arrayNode();
                for (JsonNode item : array) {
                    boolean seen = false;
                    for (JsonNode kept : out) {
                        if (JsonValues.equal(kept, item)) {
                            seen = true;
                            break;
                        }
                    }
                    if (!seen) {
                        out.add(item);
                    }
                }
                yield out;
            }
            case "States.Base64Encode" -> {
                String s = limited(call, string(call, a, 0));
                yield NODES.textNode(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }
            case "States.Base64Decode" -> {
                String s = limited(call, string(call, a, 0));
                try {
                    // MIME Base64: line breaks are allowed, other characters outside the alphabet are not.
                    yield NODES.textNode(new String(Base64.getDecoder().decode(s.replaceAll("\\s", "")),
                            StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw failure(call, "the argument is not Base64: " + e.getMessage());
                }
            }
            case "States.Hash" -> {
                JsonNode data = a.get(0);
                String text = limited(call, data.isTextual() ? data.textValue() : data.toString());
                String algorithm = string(call, a, 1);
                if (!HASH_ALGORITHMS.contains(algorithm)) {
                    throw failure(call, "unsupported algorithm '" + algorithm + "'; use one of MD5, SHA-1,"
                            + " SHA-256, SHA-384, SHA-512");
                }
                try {
                    byte[] digest = MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
                    yield NODES.textNode(HexFormat.of().formatHex(digest));
                } catch (NoSuchAlgorithmException e) {
                    throw failure(call, "algorithm " + algorithm + " is not available in this JVM");
                }
            }
            case "States.JsonMerge" -> {
                ObjectNode left = object(call, a, 0);
                ObjectNode right = object(call, a, 1);
                JsonNode deep = a.get(2);
                if (!deep.isBoolean()) {
                    throw failure(call, "the third argument must be the boolean false");
                }
                if (deep.booleanValue()) {
                    throw failure(call, "deep merge (true) is not supported by Step Functions; pass false");
                }
                ObjectNode out = left.deepCopy();
                out.setAll(right.deepCopy());
                yield out;
            }
            case "States.MathRandom" -> {
                long start = rounded(call, a, 0);
                long end = rounded(call, a, 1);
                if (end <= start) {
                    throw failure(call, "the end (" + end + ") must be greater than the start (" + start + ")");
                }
                RandomGenerator random = a.size() == 3 ? new Random(rounded(call, a, 2)) : null;
                yield number(random == null ? randomBetween(start, end) : random.nextLong(start, end));
            }
            case "States.MathAdd" -> number(rounded(call, a, 0) + rounded(call, a, 1));
            case "States.StringSplit" -> {
                String s = string(call, a, 0);
                String delimiters = string(call, a, 1);
                ArrayNode out = NODES.arrayNode();
                StringBuilder token = new StringBuilder();
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (delimiters.indexOf(c) >= 0) {
                        if (!token.isEmpty()) {
                            out.add(token.toString());
                        }
                        token.setLength(0);
                    } else {
                        token.append(c);
                    }
                }
                if (!token.isEmpty()) {
                    out.add(token.toString());
                }
                yield out;
            }
            case "States.UUID" -> NODES.textNode(UUID.randomUUID().toString());
            default -> throw failure(call, "unknown function");
        };
    }

    private static final ThreadLocal<RandomGenerator> UNSEEDED = ThreadLocal.withInitial(Random::new);

    /** An int node when the value fits (as a JSON parser would produce), else a long node. */
    private static JsonNode number(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    private static long randomBetween(long start, long end) {
        return UNSEEDED.get().nextLong(start, end);
    }

    private static JsonNode format(Call call, List<JsonNode> a) {
        Arg first = call.args().get(0);
        String template;
        if (first instanceof Literal l && l.value().isTextual()) {
            template = l.raw();
        } else {
            template = string(call, a, 0);
        }
        int placeholders = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                placeholders++;
                i++;
            }
        }
        if (placeholders != a.size() - 1) {
            throw failure(call, "the template has " + placeholders + " {} placeholder(s) but "
                    + (a.size() - 1) + " argument(s) follow it");
        }
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length()) {
                out.append(template.charAt(++i));
            } else if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                JsonNode v = a.get(next++);
                // Objects and arrays are written as their JSON text, like numbers, booleans and null.
                out.append(v.isTextual() ? v.textValue() : v.toString());
                i++;
            } else {
                out.append(c);
            }
        }
        return NODES.textNode(out.toString());
    }

    private static String limited(Call call, String s) {
        if (s.length() > MAX_STRING) {
            throw failure(call, "the argument has " + s.length() + " characters; at most " + MAX_STRING + " are allowed");
        }
        return s;
    }

    private static String string(Call call, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!v.isTextual()) {
            throw failure(call, "argument " + (i + 1) + " must be a string, got " + JsonPath.describeType(v));
        }
        return v.textValue();
    }

    private static ArrayNode array(Call call, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!(v instanceof ArrayNode arr)) {
            throw failure(call, "argument " + (i + 1) + " must be an array, got " + JsonPath.describeType(v));
        }
        return arr;
    }

    private static ObjectNode object(Call call, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!(v instanceof ObjectNode obj)) {
            throw failure(call, "argument " + (i + 1) + " must be an object, got " + JsonPath.describeType(v));
        }
        return obj;
    }

    private static long integer(Call call, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong()) {
            throw failure(call, "argument " + (i + 1) + " must be an integer, got "
                    + (v.isNumber() ? v.toString() : JsonPath.describeType(v)));
        }
        return v.asLong();
    }

    /**
     * A number argument of States.MathAdd and States.MathRandom: AWS rounds a non-integer to the
     * nearest integer (halves away from zero) and takes values of a 32-bit signed integer.
     */
    private static long rounded(Call call, List<JsonNode> a, int i) {
        JsonNode v = a.get(i);
        if (!v.isNumber()) {
            throw failure(call, "argument " + (i + 1) + " must be a number, got " + JsonPath.describeType(v));
        }
        java.math.BigDecimal n = v.decimalValue().setScale(0, java.math.RoundingMode.HALF_UP);
        if (n.compareTo(java.math.BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                || n.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw failure(call, "argument " + (i + 1) + " (" + v + ") is outside the range of a 32-bit integer"
                    + " (-2147483648 to 2147483647)");
        }
        return n.longValueExact();
    }

    private static StatesError failure(Call call, String reason) {
        return new StatesError(StatesErrors.INTRINSIC_FAILURE, call.text() + ": " + reason);
    }
}
