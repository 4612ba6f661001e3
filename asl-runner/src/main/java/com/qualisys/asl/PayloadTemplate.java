package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled ASL Payload Template (Parameters, ResultSelector, ItemSelector): a JSON value in which
 * every object member whose name ends in {@code .$} has a path ({@code $...} or {@code $$...}) or an
 * intrinsic function as its value, replaced when the template is applied, at any depth (objects
 * nested in objects or arrays).
 */
final class PayloadTemplate implements Template {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private sealed interface Node permits Literal, Obj, Arr, PathValue, IntrinsicValue {}

    private record Literal(JsonNode value) implements Node {}

    private record Obj(List<Map.Entry<String, Node>> members) implements Node {}

    private record Arr(List<Node> items) implements Node {}

    /** {@code field} is the member name as written (ending in .$), for messages. */
    private record PathValue(String field, JsonPath path) implements Node {}

    private record IntrinsicValue(String field, Intrinsic.Call call) implements Node {}

    private final Node root;
    private final String fieldName;

    private PayloadTemplate(Node root, String fieldName) {
        this.root = root;
        this.fieldName = fieldName;
    }

    /**
     * Compiles {@code template}; each problem found is added to {@code problems} prefixed with
     * {@code where} (e.g. {@code state "Foo": field "Parameters"}).
     */
    static PayloadTemplate compile(JsonNode template, String where, String fieldName, List<String> problems) {
        return new PayloadTemplate(compileNode(template, where, problems), fieldName);
    }

    private static Node compileNode(JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            List<Map.Entry<String, Node>> members = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                JsonNode value = e.getValue();
                String name = key;
                Node compiled;
                if (key.endsWith(".$")) {
                    name = key.substring(0, key.length() - 2);
                    compiled = compileDynamic(key, value, where, problems);
                } else {
                    compiled = compileNode(value, where, problems);
                }
                if (!names.add(name)) {
                    problems.add(where + ": member \"" + name + "\" is given twice (with and without the .$ suffix)");
                }
                members.add(Map.entry(name, compiled));
            }
            return new Obj(List.copyOf(members));
        }
        if (node.isArray()) {
            List<Node> items = new ArrayList<>();
            node.forEach(item -> items.add(compileNode(item, where, problems)));
            return new Arr(List.copyOf(items));
        }
        return new Literal(node);
    }

    private static Node compileDynamic(String key, JsonNode value, String where, List<String> problems) {
        if (!value.isTextual()) {
            problems.add(where + ": member \"" + key + "\" must have a string value (a path or an intrinsic function)");
            return new Literal(NODES.nullNode());
        }
        String text = value.textValue();
        try {
            if (Intrinsic.looksLikeIntrinsic(text)) {
                return new IntrinsicValue(key, Intrinsic.parse(text));
            }
            if (text.startsWith("$")) {
                return new PathValue(key, JsonPath.parse(text));
            }
            problems.add(where + ": member \"" + key + "\" has value \"" + text
                    + "\", which is neither a path ($... or $$...) nor an intrinsic function (States.*)");
        } catch (IllegalArgumentException e) {
            problems.add(where + ": member \"" + key + "\": " + e.getMessage());
        }
        return new Literal(NODES.nullNode());
    }

    /** Applies the template: {@code $} reads {@code scope.input()}, {@code $$} the context object. */
    @Override
    public JsonNode evaluate(Scope scope) {
        return eval(root, scope);
    }

    private JsonNode eval(Node node, Scope scope) {
        return switch (node) {
            case Literal l -> l.value().deepCopy();
            case Obj o -> {
                ObjectNode out = NODES.objectNode();
                for (Map.Entry<String, Node> m : o.members()) {
                    out.set(m.getKey(), eval(m.getValue(), scope));
                }
                yield out;
            }
            case Arr a -> {
                ArrayNode out = NODES.arrayNode();
                for (Node item : a.items()) {
                    out.add(eval(item, scope));
                }
                yield out;
            }
            case PathValue p -> {
                JsonNode doc = p.path().isContextPath() ? scope.context() : scope.input();
                yield p.path().read(scope).<JsonNode>map(n -> n.deepCopy()).orElseThrow(() -> new StatesError(
                        StatesErrors.PARAMETER_PATH_FAILURE,
                        "The JSONPath '" + p.path() + "' specified for the field '" + p.field() + "' in "
                                + fieldName + " could not be found in the "
                                + (p.path().isContextPath() ? "context object" : p.path().variable() != null
                                        ? "variable $" + p.path().variable() : "input") + " '"
                                + Json.abbreviate(p.path().variable() != null ? scope.variable(p.path().variable()) : doc) + "'"));
            }
            case IntrinsicValue i -> Intrinsic.evaluate(i.call(), scope);
        };
    }
}
