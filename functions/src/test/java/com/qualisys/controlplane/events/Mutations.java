package com.qualisys.controlplane.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Structured mutations of valid sample payloads for fuzzing the parsers: truncation, removed fields,
 * type swaps, huge and long strings, random characters and bytes, deep nesting, duplicate keys. The
 * valid sample itself is among the outputs, so accepted inputs are exercised too.
 */
public final class Mutations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Mutations() {}

    public static Arbitrary<String> ofJson(String valid) {
        JsonNode tree = read(valid);
        List<String> pointers = new ArrayList<>();
        collect(tree, "", pointers);
        Arbitrary<Integer> at = Arbitraries.integers().between(0, pointers.size() - 1);
        Arbitrary<String> pointer = at.map(pointers::get);
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(valid)),
                Tuple.of(3, Arbitraries.integers().between(0, valid.length() - 1).map(i -> valid.substring(0, i))),
                Tuple.of(4, pointer.map(p -> edit(tree, p, null))),
                Tuple.of(6, Combinators.combine(pointer, swaps()).as((p, v) -> edit(tree, p, v))),
                Tuple.of(1, pointer.map(p -> edit(tree, p, F.textNode("y".repeat(300_000))))),
                Tuple.of(1, pointer.map(p -> edit(tree, p, F.textNode("z".repeat(5_000))))),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(400)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(b -> new String(b, StandardCharsets.ISO_8859_1))),
                Tuple.of(1, Arbitraries.integers().between(40, 3_000).map(d -> "{\"a\":" + "[".repeat(d) + "]".repeat(d) + "}")),
                Tuple.of(1, pointer.map(p -> duplicateFirstKey(valid))),
                Tuple.of(1, Arbitraries.of("null", "[]", "\"text\"", "42", "{}", "", " ", "{\"Records\": [{}]}", valid + valid)));
    }

    /** Line-level mutations of a plain-text message (AWS Budgets notifications). */
    public static Arbitrary<String> ofText(String valid) {
        List<String> lines = List.of(valid.split("\n", -1));
        Arbitrary<Integer> line = Arbitraries.integers().between(0, lines.size() - 1);
        Arbitrary<String> garbage = Arbitraries.of("", "abc", "$", "$-5.00", "$1e9", "$99999999999999999.99", "> ", "> 0%", "> $0.00",
                "> -3%", "ACTUAL", "FORECASTED", "Cost", "Usage", "$1,00,0.00", "February 30, 2024", "z".repeat(3_000), "\u0000\u0007",
                "> $400.00 > $500.00", "12345678901", "$NaN");
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(valid)),
                Tuple.of(3, Arbitraries.integers().between(0, valid.length() - 1).map(i -> valid.substring(0, i))),
                Tuple.of(3, line.map(i -> withLines(lines, l -> { l.remove((int) i); }))),
                Tuple.of(2, line.map(i -> withLines(lines, l -> l.add(i, l.get(i))))),
                Tuple.of(6, Combinators.combine(line, garbage).as((i, g) -> withLines(lines, l -> {
                    String s = l.get(i);
                    int colon = s.indexOf(": ");
                    l.set(i, colon < 0 ? g : s.substring(0, colon + 2) + g);
                }))),
                Tuple.of(1, Combinators.combine(line, garbage).as((i, g) -> withLines(lines, l -> l.set(i, l.get(i).replace("$", g))))),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(400)),
                Tuple.of(1, Arbitraries.just(valid + "x".repeat(300_000))),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(b -> new String(b, StandardCharsets.ISO_8859_1))));
    }

    private static Arbitrary<JsonNode> swaps() {
        ArrayNode array = F.arrayNode().add("a").add(1);
        ObjectNode object = F.objectNode().put("a", 1);
        return Arbitraries.of(F.nullNode(), F.textNode(""), F.textNode("x"), F.numberNode(0), F.numberNode(-1),
                F.numberNode(1e300), F.numberNode(3.5), F.booleanNode(true), F.arrayNode(), F.objectNode(), array, object,
                F.textNode("2024-13-45T99:99:99Z"), F.textNode("0.0.0.0/0"), F.numberNode(99_999_999_999L), F.textNode("arn:aws:sts::*:x"),
                F.textNode("\u0000\u001b[31m"), F.textNode("sg-0a1b2c3d4e5f60001"));
    }

    private static String withLines(List<String> lines, java.util.function.Consumer<List<String>> edit) {
        List<String> copy = new ArrayList<>(lines);
        edit.accept(copy);
        return String.join("\n", copy);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void collect(JsonNode n, String pointer, List<String> into) {
        if (!pointer.isEmpty()) into.add(pointer);
        if (n.isObject()) n.fieldNames().forEachRemaining(k -> collect(n.get(k), pointer + "/" + k.replace("~", "~0").replace("/", "~1"), into));
        if (n.isArray()) for (int i = 0; i < n.size(); i++) collect(n.get(i), pointer + "/" + i, into);
    }

    /** A copy of the tree with the node at pointer replaced (or removed when value is null). */
    private static String edit(JsonNode tree, String pointer, JsonNode value) {
        JsonNode copy = tree.deepCopy();
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = copy.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode o) {
            if (value == null) o.remove(last);
            else o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            int i = Integer.parseInt(last);
            if (value == null) a.remove(i);
            else a.set(i, value);
        }
        return copy.toString();
    }

    private static String duplicateFirstKey(String valid) {
        int brace = valid.indexOf('{');
        int colon = valid.indexOf(':', brace);
        int comma = valid.indexOf(',', colon);
        if (brace < 0 || colon < 0 || comma < 0) return valid + "}";
        return valid.substring(0, brace + 1) + valid.substring(brace + 1, comma + 1) + valid.substring(brace + 1);
    }
}
