package com.qualisys.asl;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A field of a JSONata state: any JSON value in which every string of the form
 * {@code {% expression %}}, at any depth, is a JSONata expression replaced by its value when the
 * state runs. Expressions see {@code $states} ({@code input}, {@code result},
 * {@code errorOutput}, {@code context}), the workflow variables and the functions Step Functions
 * adds to JSONata ({@link JsonataFunctions}). Evaluation through com.dashjoin:jsonata.
 *
 * <p>A failing expression raises {@code States.QueryEvaluationError}, and so does one that
 * yields nothing (JSONata's undefined), wherever it stands in the field, with the cause AWS
 * gives: "The JSONata expression '...' specified for the field 'Output/a/b[0]' returned nothing
 * (undefined).".
 */
final class JsonataTemplate implements Template {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private sealed interface Node permits Literal, Obj, Arr, Expr {}

    private record Literal(JsonNode value) implements Node {}

    private record Obj(List<Map.Entry<String, Node>> members) implements Node {}

    private record Arr(List<Node> items) implements Node {}

    private record Expr(String text, Jsonata compiled) implements Node {}

    private final Node root;
    private final String field;

    private JsonataTemplate(Node root, String field) {
        this.root = root;
        this.field = field;
    }

    /** True for a string that is one JSONata expression, {@code {% ... %}}. */
    static boolean isExpression(JsonNode value) {
        return value != null && value.isTextual() && isExpression(value.textValue());
    }

    static boolean isExpression(String s) {
        String t = s.strip();
        return t.startsWith("{%") && t.endsWith("%}") && t.length() >= 4;
    }

    /**
     * Compiles {@code value}; syntax errors are added to {@code problems}, prefixed with
     * {@code where}. {@code field} names the field in run-time errors.
     */
    static JsonataTemplate compile(JsonNode value, String where, String field, List<String> problems) {
        return new JsonataTemplate(compileNode(value, where, problems), field);
    }

    private static Node compileNode(JsonNode node, String where, List<String> problems) {
        if (node.isObject()) {
            List<Map.Entry<String, Node>> members = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().endsWith(".$")) {
                    problems.add(where + ": member \"" + e.getKey() + "\" ends in .$, which JSONata states do not"
                            + " use (write the value as {% expression %})");
                }
                members.add(Map.entry(e.getKey(), compileNode(e.getValue(), where, problems)));
            }
            return new Obj(List.copyOf(members));
        }
        if (node.isArray()) {
            List<Node> items = new ArrayList<>();
            node.forEach(item -> items.add(compileNode(item, where, problems)));
            return new Arr(List.copyOf(items));
        }
        if (isExpression(node)) {
            String t = node.textValue().strip();
            String text = t.substring(2, t.length() - 2).strip();
            try {
                Jsonata compiled = Jsonata.jsonata(text);
                // Keep JSON null apart from undefined (the library turns null into undefined by default).
                compiled.setOutputConvertNulls(false);
                return new Expr(text, compiled);
            } catch (JException | IllegalArgumentException e) {
                problems.add(where + ": the JSONata expression {% " + text + " %} is invalid: " + e.getMessage());
                return new Literal(NODES.nullNode());
            }
        }
        return new Literal(node);
    }

    /** Whether the whole field is one expression (as opposed to a JSON value holding some). */
    boolean isSingleExpression() {
        return root instanceof Expr;
    }

    @Override
    public JsonNode evaluate(Scope scope) {
        return eval(root, scope, field);
    }

    /** {@code at} names where the node stands, as AWS names it: Output/a/b[0]. */
    private JsonNode eval(Node node, Scope scope, String at) {
        return switch (node) {
            case Literal l -> l.value().deepCopy();
            case Obj o -> {
                ObjectNode out = NODES.objectNode();
                for (Map.Entry<String, Node> m : o.members()) {
                    out.set(m.getKey(), eval(m.getValue(), scope, at + "/" + m.getKey()));
                }
                yield out;
            }
            case Arr a -> {
                ArrayNode out = NODES.arrayNode();
                for (int i = 0; i < a.items().size(); i++) {
                    out.add(eval(a.items().get(i), scope, at + "[" + i + "]"));
                }
                yield out;
            }
            case Expr e -> {
                JsonNode v = evaluateExpression(e, scope);
                if (v == null) {
                    throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "The JSONata expression '" + e.text()
                            + "' specified for the field '" + at + "' returned nothing (undefined).");
                }
                yield v;
            }
        };
    }

    private JsonNode evaluateExpression(Expr e, Scope scope) {
        Jsonata.Frame frame = e.compiled().createFrame();
        ObjectNode states = NODES.objectNode();
        states.set("input", scope.input());
        if (scope.result() != null) {
            states.set("result", scope.result());
        }
        if (scope.errorOutput() != null) {
            states.set("errorOutput", scope.errorOutput());
        }
        states.set("context", scope.context());
        if (scope.variables() != null) {
            for (Map.Entry<String, JsonNode> v : scope.variables().visible().properties()) {
                frame.bind(v.getKey(), toJava(v.getValue()));
            }
        }
        frame.bind("states", toJava(states));
        JsonataFunctions.bindAll(frame);
        Object value;
        try {
            value = e.compiled().evaluate(null, frame);
        } catch (StatesError se) {
            throw se;
        } catch (JException je) {
            for (Throwable c = je.getCause(); c != null; c = c.getCause()) {
                if (c instanceof StatesError se) {
                    throw se;
                }
            }
            throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "The JSONata expression {% " + e.text()
                    + " %} of field " + field + " failed: " + je.getMessage());
        } catch (RuntimeException re) {
            for (Throwable c = re.getCause(); c != null; c = c.getCause()) {
                if (c instanceof StatesError se) {
                    throw se;
                }
            }
            throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "The JSONata expression {% " + e.text()
                    + " %} of field " + field + " failed: " + re);
        }
        return value == null ? null : toJson(value, e);
    }

    // ------------------------------------------------------------------ JSON <-> JSONata values

    /** Jackson tree → the Java values JSONata works on (JSON null as Jsonata.NULL_VALUE). */
    static Object toJava(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> out = new LinkedHashMap<>();
                node.properties().forEach(e -> out.put(e.getKey(), toJava(e.getValue())));
                yield out;
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>(node.size());
                node.forEach(item -> out.add(toJava(item)));
                yield out;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue()
                    : (Object) node.doubleValue();
            case NULL -> Jsonata.NULL_VALUE;
            default -> node.toString();
        };
    }

    /** A JSONata value → a Jackson tree; integral doubles become integers, as JSON text shows them. */
    static JsonNode toJson(Object value, Object where) {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.set(String.valueOf(k), toJson(v, where));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            ArrayNode out = NODES.arrayNode();
            for (Object item : list) {
                if (item != null) {
                    out.add(toJson(item, where));
                }
            }
            return out;
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long l = ((Number) value).longValue();
            return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
        }
        if (value instanceof BigInteger bi) {
            return NODES.numberNode(bi);
        }
        if (value instanceof BigDecimal bd) {
            return NODES.numberNode(bd);
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                // JSON has no such number: AWS writes the name JavaScript gives it.
                return NODES.textNode(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                long l = (long) d;
                return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
            }
            return NODES.numberNode(d);
        }
        throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "a JSONata expression produced a "
                + value.getClass().getSimpleName() + " (a function?), which is not a JSON value");
    }
}
