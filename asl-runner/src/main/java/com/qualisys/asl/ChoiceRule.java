package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/** A compiled Choice Rule: a Boolean expression (And, Or, Not) or a data-test expression. */
sealed interface ChoiceRule {

    /** Evaluates the rule against the Choice state's effective input. */
    boolean matches(Scope scope);

    /** A JSONata state's rule: {@code Condition}, an expression that must yield a boolean. */
    record Condition(JsonataTemplate condition) implements ChoiceRule {
        @Override
        public boolean matches(Scope scope) {
            JsonNode v = condition.evaluate(scope);
            if (!v.isBoolean()) {
                throw new StatesError(StatesErrors.QUERY_EVALUATION_ERROR, "The Condition of a choice rule must"
                        + " evaluate to a boolean, got " + Json.abbreviate(v));
            }
            return v.booleanValue();
        }
    }

    record And(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean matches(Scope scope) {
            for (ChoiceRule r : rules) {
                if (!r.matches(scope)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<ChoiceRule> rules) implements ChoiceRule {
        @Override
        public boolean matches(Scope scope) {
            for (ChoiceRule r : rules) {
                if (r.matches(scope)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(ChoiceRule rule) implements ChoiceRule {
        @Override
        public boolean matches(Scope scope) {
            return !rule.matches(scope);
        }
    }

    /** The kind of value a comparison operator works on. */
    enum Kind { STRING, NUMERIC, BOOLEAN, TIMESTAMP, MATCH, TYPE_TEST }

    /** Every data-test operator of the JSONPath Choice state. */
    enum Operator {
        StringEquals(Kind.STRING, c -> c == 0),
        StringLessThan(Kind.STRING, c -> c < 0),
        StringGreaterThan(Kind.STRING, c -> c > 0),
        StringLessThanEquals(Kind.STRING, c -> c <= 0),
        StringGreaterThanEquals(Kind.STRING, c -> c >= 0),
        StringMatches(Kind.MATCH, null),
        NumericEquals(Kind.NUMERIC, c -> c == 0),
        NumericLessThan(Kind.NUMERIC, c -> c < 0),
        NumericGreaterThan(Kind.NUMERIC, c -> c > 0),
        NumericLessThanEquals(Kind.NUMERIC, c -> c <= 0),
        NumericGreaterThanEquals(Kind.NUMERIC, c -> c >= 0),
        BooleanEquals(Kind.BOOLEAN, c -> c == 0),
        TimestampEquals(Kind.TIMESTAMP, c -> c == 0),
        TimestampLessThan(Kind.TIMESTAMP, c -> c < 0),
        TimestampGreaterThan(Kind.TIMESTAMP, c -> c > 0),
        TimestampLessThanEquals(Kind.TIMESTAMP, c -> c <= 0),
        TimestampGreaterThanEquals(Kind.TIMESTAMP, c -> c >= 0),
        IsNull(Kind.TYPE_TEST, null),
        IsPresent(Kind.TYPE_TEST, null),
        IsNumeric(Kind.TYPE_TEST, null),
        IsString(Kind.TYPE_TEST, null),
        IsBoolean(Kind.TYPE_TEST, null),
        IsTimestamp(Kind.TYPE_TEST, null);

        final Kind kind;
        final IntPredicate accepts;

        Operator(Kind kind, IntPredicate accepts) {
            this.kind = kind;
            this.accepts = accepts;
        }
    }

    /**
     * {@code Variable} compared with a literal ({@code operand}) or, for the {@code ...Path}
     * variants, with the value at {@code operandPath}.
     */
    record Comparison(JsonPath variable, Operator operator, JsonNode operand, JsonPath operandPath)
            implements ChoiceRule {

        @Override
        public boolean matches(Scope scope) {
            JsonNode value = variable.read(scope).orElse(null);
            if (operator == Operator.IsPresent) {
                return value != null == operand.booleanValue();
            }
            if (value == null) {
                throw StatesError.runtime("Invalid path '" + variable
                        + "': The choice state's condition path references an invalid value.");
            }
            JsonNode other = operand;
            if (operandPath != null) {
                other = operandPath.read(scope).orElseThrow(() ->
                        StatesError.runtime("Invalid path '" + operandPath + "' in " + operator
                                + "Path: The choice state's condition path references an invalid value."));
            }
            return switch (operator.kind) {
                case TYPE_TEST -> typeTest(value) == operand.booleanValue();
                case STRING -> value.isTextual() && other.isTextual()
                        && operator.accepts.test(Integer.signum(value.textValue().compareTo(other.textValue())));
                case NUMERIC -> value.isNumber() && other.isNumber()
                        && operator.accepts.test(compare(value.decimalValue(), other.decimalValue()));
                case BOOLEAN -> value.isBoolean() && other.isBoolean()
                        && value.booleanValue() == other.booleanValue();
                case TIMESTAMP -> {
                    Instant a = value.isTextual() ? Json.parseTimestamp(value.textValue()) : null;
                    Instant b = other.isTextual() ? Json.parseTimestamp(other.textValue()) : null;
                    yield a != null && b != null && operator.accepts.test(Integer.signum(a.compareTo(b)));
                }
                case MATCH -> value.isTextual() && wildcardMatch(other.textValue(), value.textValue());
            };
        }

        private static int compare(BigDecimal a, BigDecimal b) {
            return Integer.signum(a.compareTo(b));
        }

        private boolean typeTest(JsonNode value) {
            return switch (operator) {
                case IsNull -> value.isNull();
                case IsNumeric -> value.isNumber();
                case IsString -> value.isTextual();
                case IsBoolean -> value.isBoolean();
                case IsTimestamp -> value.isTextual() && Json.parseTimestamp(value.textValue()) != null;
                default -> throw new IllegalStateException(operator.name());
            };
        }
    }

    /**
     * StringMatches: {@code *} matches any run of characters (also none); {@code \*} is a literal
     * asterisk and {@code \\} a literal backslash; nothing else is special.
     */
    static boolean wildcardMatch(String pattern, String text) {
        List<Object> tokens = new ArrayList<>(); // Character, or Boolean.TRUE for '*'
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == '*' || pattern.charAt(i + 1) == '\\')) {
                tokens.add(pattern.charAt(++i));
            } else if (c == '*') {
                tokens.add(Boolean.TRUE);
            } else {
                tokens.add(c);
            }
        }
        // Classic greedy matcher with backtracking to the last star.
        int t = 0;
        int p = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < tokens.size() && tokens.get(p) instanceof Character ch && ch == text.charAt(t)) {
                p++;
                t++;
            } else if (p < tokens.size() && tokens.get(p) == Boolean.TRUE) {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < tokens.size() && tokens.get(p) == Boolean.TRUE) {
            p++;
        }
        return p == tokens.size();
    }

    // ------------------------------------------------------------------ compiling

    Set<String> RULE_FIELDS = Set.of("Variable", "And", "Or", "Not", "Next", "Comment");

    /**
     * Compiles one rule. {@code topLevel} rules carry {@code Next} (read by the caller); nested
     * rules must not.
     */
    static ChoiceRule compile(JsonNode rule, String where, boolean topLevel, List<String> problems) {
        if (!rule.isObject()) {
            problems.add(where + ": a choice rule must be an object");
            return new Or(List.of());
        }
        if (!topLevel && rule.has("Next")) {
            problems.add(where + ": a nested choice rule (inside And, Or or Not) must not have \"Next\"");
        }
        for (String jsonataOnly : List.of("Condition", "Output")) {
            if (rule.has(jsonataOnly)) {
                problems.add(where + ": field \"" + jsonataOnly + "\" is a JSONata field; set \"QueryLanguage\":"
                        + " \"JSONata\" to use it");
            }
        }
        if (!topLevel && rule.has("Assign")) {
            problems.add(where + ": a nested choice rule (inside And, Or or Not) must not have \"Assign\"");
        }
        List<String> booleans = new ArrayList<>();
        for (String b : List.of("And", "Or", "Not")) {
            if (rule.has(b)) {
                booleans.add(b);
            }
        }
        List<Operator> operators = new ArrayList<>();
        List<String> pathOperators = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : rule.properties()) {
            String key = e.getKey();
            if (RULE_FIELDS.contains(key) || Set.of("Condition", "Assign", "Output").contains(key)) {
                continue;
            }
            Operator op = operator(key);
            if (op != null) {
                operators.add(op);
                if (key.endsWith("Path") && op != Operator.IsPresent) {
                    pathOperators.add(key);
                }
            } else {
                problems.add(where + ": unknown field \"" + key + "\" in a choice rule");
            }
        }
        if (!booleans.isEmpty()) {
            if (booleans.size() > 1 || !operators.isEmpty() || rule.has("Variable")) {
                problems.add(where + ": a choice rule must have exactly one of And, Or, Not or a Variable"
                        + " with one comparison operator");
            }
            String b = booleans.get(0);
            JsonNode v = rule.get(b);
            if (b.equals("Not")) {
                if (!v.isObject()) {
                    problems.add(where + ": \"Not\" must be a single rule object");
                    return new Or(List.of());
                }
                return new Not(compile(v, where + " > Not", false, problems));
            }
            if (!v.isArray() || v.isEmpty()) {
                problems.add(where + ": \"" + b + "\" must be a non-empty array of rules");
                return new Or(List.of());
            }
            List<ChoiceRule> rules = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                rules.add(compile(v.get(i), where + " > " + b + "[" + i + "]", false, problems));
            }
            return b.equals("And") ? new And(List.copyOf(rules)) : new Or(List.copyOf(rules));
        }
        JsonNode variable = rule.get("Variable");
        if (variable == null || !variable.isTextual()) {
            problems.add(where + ": a choice rule needs a \"Variable\" (a path) or And/Or/Not");
            return new Or(List.of());
        }
        if (operators.size() != 1) {
            problems.add(where + ": a choice rule must have exactly one comparison operator, found "
                    + (operators.isEmpty() ? "none" : operators.toString()));
            return new Or(List.of());
        }
        JsonPath variablePath;
        try {
            variablePath = JsonPath.parse(variable.textValue());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": field \"Variable\": " + e.getMessage());
            return new Or(List.of());
        }
        Operator op = operators.get(0);
        String key = pathOperators.isEmpty() ? op.name() : pathOperators.get(0);
        JsonNode operand = rule.get(key);
        if (!pathOperators.isEmpty()) {
            if (!operand.isTextual()) {
                problems.add(where + ": \"" + key + "\" must be a path string");
                return new Or(List.of());
            }
            try {
                return new Comparison(variablePath, op, null, JsonPath.parse(operand.textValue()));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": field \"" + key + "\": " + e.getMessage());
                return new Or(List.of());
            }
        }
        boolean ok = switch (op.kind) {
            case STRING, MATCH -> operand.isTextual();
            case NUMERIC -> operand.isNumber();
            case BOOLEAN, TYPE_TEST -> operand.isBoolean();
            case TIMESTAMP -> operand.isTextual() && Json.parseTimestamp(operand.textValue()) != null;
        };
        if (!ok) {
            String expected = switch (op.kind) {
                case STRING, MATCH -> "a string";
                case NUMERIC -> "a number";
                case BOOLEAN, TYPE_TEST -> "a boolean";
                case TIMESTAMP -> "an RFC 3339 timestamp such as 2016-08-18T17:33:00Z";
            };
            problems.add(where + ": \"" + key + "\" must be " + expected + ", got " + operand);
        }
        return new Comparison(variablePath, op, operand, null);
    }

    private static Operator operator(String key) {
        for (Operator op : Operator.values()) {
            if (op.name().equals(key)) {
                return op;
            }
            if (key.equals(op.name() + "Path") && op.kind != Kind.TYPE_TEST && op.kind != Kind.MATCH) {
                return op;
            }
        }
        return null;
    }
}
