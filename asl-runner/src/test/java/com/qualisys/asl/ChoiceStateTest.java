package com.qualisys.asl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

class ChoiceStateTest {

    private static String route(StateMachineDefinition definition, String input) {
        ExecutionResult r = AslTestSupport.runner(NO_TASKS).build().execute(definition, json(input), null);
        assertThat(r.succeeded()).as("%s: %s %s", input, r.error(), r.cause()).isTrue();
        return r.output().textValue();
    }

    @Test
    void specChoiceExampleRoutesEachInput() {
        StateMachineDefinition spec = fixture("choice-rules.asl.json");
        assertThat(route(spec, "{\"type\": \"Public\"}")).isEqualTo("Public");
        assertThat(route(spec, "{\"type\": \"Private\", \"value\": 25}")).isEqualTo("ValueInTwenties");
        // And short-circuits: IsPresent false stops before the numeric tests read $.value.
        assertThat(route(spec, "{\"type\": \"Private\", \"rating\": 53, \"auditThreshold\": 50}")).isEqualTo("StartAudit");
        assertThat(route(spec, "{\"type\": \"Private\", \"value\": \"25\", \"rating\": 10, \"auditThreshold\": 50}"))
                .isEqualTo("RecordEvent");
        assertThat(route(spec, "{\"type\": \"Private\", \"value\": 30, \"rating\": 50, \"auditThreshold\": 50}"))
                .isEqualTo("RecordEvent");
    }

    /** One rule against one input value: does it match? */
    private static boolean matches(String rule, String input) {
        ExecutionResult r = run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [%s], "Default": "No"},
                  "Yes": {"Type": "Pass", "Result": true, "End": true},
                  "No": {"Type": "Pass", "Result": false, "End": true}}}""".formatted(
                rule.substring(0, rule.lastIndexOf('}')) + ", \"Next\": \"Yes\"}"), input, NO_TASKS);
        assertThat(r.succeeded()).as("%s on %s: %s %s", rule, input, r.error(), r.cause()).isTrue();
        return r.output().booleanValue();
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"Variable\": \"$.s\", \"StringEquals\": \"abc\"}                 | {\"s\": \"abc\"}       | true",
            "{\"Variable\": \"$.s\", \"StringEquals\": \"abc\"}                 | {\"s\": \"abd\"}       | false",
            "{\"Variable\": \"$.s\", \"StringEquals\": \"1\"}                   | {\"s\": 1}             | false",
            "{\"Variable\": \"$.s\", \"StringLessThan\": \"b\"}                  | {\"s\": \"a\"}         | true",
            "{\"Variable\": \"$.s\", \"StringGreaterThan\": \"b\"}               | {\"s\": \"a\"}         | false",
            "{\"Variable\": \"$.s\", \"StringLessThanEquals\": \"a\"}            | {\"s\": \"a\"}         | true",
            "{\"Variable\": \"$.s\", \"StringGreaterThanEquals\": \"a\"}         | {\"s\": \"b\"}         | true",
            "{\"Variable\": \"$.s\", \"StringMatches\": \"log-*.txt\"}           | {\"s\": \"log-2024.txt\"} | true",
            "{\"Variable\": \"$.s\", \"StringMatches\": \"log-*.txt\"}           | {\"s\": \"log-2024.csv\"} | false",
            "{\"Variable\": \"$.s\", \"StringMatches\": \"*\"}                   | {\"s\": \"\"}          | true",
            "{\"Variable\": \"$.s\", \"StringMatches\": \"a\\\\*b\"}             | {\"s\": \"a*b\"}       | true",
            "{\"Variable\": \"$.s\", \"StringMatches\": \"a\\\\*b\"}             | {\"s\": \"axb\"}       | false",
            "{\"Variable\": \"$.n\", \"NumericEquals\": 1}                       | {\"n\": 1.0}           | true",
            "{\"Variable\": \"$.n\", \"NumericEquals\": 1}                       | {\"n\": \"1\"}         | false",
            "{\"Variable\": \"$.n\", \"NumericLessThan\": 1}                     | {\"n\": 0.5}           | true",
            "{\"Variable\": \"$.n\", \"NumericGreaterThan\": 1}                  | {\"n\": 1}             | false",
            "{\"Variable\": \"$.n\", \"NumericLessThanEquals\": 1}               | {\"n\": 1}             | true",
            "{\"Variable\": \"$.n\", \"NumericGreaterThanEquals\": 2}            | {\"n\": 1}             | false",
            "{\"Variable\": \"$.b\", \"BooleanEquals\": true}                    | {\"b\": true}          | true",
            "{\"Variable\": \"$.b\", \"BooleanEquals\": true}                    | {\"b\": \"true\"}      | false",
            "{\"Variable\": \"$.t\", \"TimestampEquals\": \"2016-08-18T17:33:00Z\"}  | {\"t\": \"2016-08-18T19:33:00+02:00\"} | true",
            "{\"Variable\": \"$.t\", \"TimestampLessThan\": \"2016-08-18T17:33:00Z\"} | {\"t\": \"2016-08-18T17:32:59.999Z\"} | true",
            "{\"Variable\": \"$.t\", \"TimestampGreaterThan\": \"2016-08-18T17:33:00Z\"} | {\"t\": \"2016-08-18T17:32:00Z\"} | false",
            "{\"Variable\": \"$.t\", \"TimestampLessThanEquals\": \"2016-08-18T17:33:00Z\"} | {\"t\": \"2016-08-18T17:33:00Z\"} | true",
            "{\"Variable\": \"$.t\", \"TimestampGreaterThanEquals\": \"2016-08-18T17:33:00Z\"} | {\"t\": \"not a time\"} | false",
            "{\"Variable\": \"$.x\", \"IsNull\": true}                           | {\"x\": null}          | true",
            "{\"Variable\": \"$.x\", \"IsNull\": false}                          | {\"x\": 0}             | true",
            "{\"Variable\": \"$.x\", \"IsPresent\": true}                        | {\"y\": 0}             | false",
            "{\"Variable\": \"$.x\", \"IsPresent\": false}                       | {\"y\": 0}             | true",
            "{\"Variable\": \"$.x\", \"IsNumeric\": true}                        | {\"x\": 3.5}           | true",
            "{\"Variable\": \"$.x\", \"IsString\": true}                         | {\"x\": 3.5}           | false",
            "{\"Variable\": \"$.x\", \"IsBoolean\": true}                        | {\"x\": false}         | true",
            "{\"Variable\": \"$.x\", \"IsTimestamp\": true}                      | {\"x\": \"2016-03-14T01:59:00Z\"} | true",
            "{\"Variable\": \"$.x\", \"IsTimestamp\": true}                      | {\"x\": \"2016-03-14t01:59:00z\"} | false",
            "{\"Variable\": \"$.a\", \"StringEqualsPath\": \"$.b\"}              | {\"a\": \"x\", \"b\": \"x\"} | true",
            "{\"Variable\": \"$.a\", \"NumericLessThanPath\": \"$.b\"}           | {\"a\": 1, \"b\": 2}   | true",
            "{\"Variable\": \"$.a\", \"NumericGreaterThanEqualsPath\": \"$.b\"}  | {\"a\": 1, \"b\": \"2\"} | false",
            "{\"Variable\": \"$.a\", \"BooleanEqualsPath\": \"$.b\"}             | {\"a\": true, \"b\": true} | true",
            "{\"Variable\": \"$.a\", \"TimestampLessThanPath\": \"$.b\"}         | {\"a\": \"2020-01-01T00:00:00Z\", \"b\": \"2021-01-01T00:00:00Z\"} | true",
            "{\"Variable\": \"$.a\", \"StringGreaterThanPath\": \"$$.Execution.Name\"} | {\"a\": \"zzz\"}  | true",
            "{\"Or\": [{\"Variable\": \"$.a\", \"NumericEquals\": 1}, {\"Variable\": \"$.a\", \"NumericEquals\": 2}]} | {\"a\": 2} | true",
            "{\"And\": [{\"Variable\": \"$.a\", \"NumericGreaterThan\": 1}, {\"Not\": {\"Variable\": \"$.a\", \"NumericEquals\": 3}}]} | {\"a\": 3} | false",
    })
    void operators(String rule, String input, boolean expected) {
        assertThat(matches(rule, input)).isEqualTo(expected);
    }

    @Test
    void firstMatchingRuleWinsAndOutputPathApplies() {
        ExecutionResult r = run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "InputPath": "$.in", "OutputPath": "$.keep", "Choices": [
                      {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "First"},
                      {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Second"}]},
                  "First": {"Type": "Pass", "ResultPath": "$.route", "Result": "First", "End": true},
                  "Second": {"Type": "Pass", "ResultPath": "$.route", "Result": "Second", "End": true}}}""",
                "{\"in\": {\"n\": 5, \"keep\": {\"k\": 1}}}", NO_TASKS);
        assertThat(r.output()).isEqualTo(json("{\"k\": 1, \"route\": \"First\"}"));
    }

    @Test
    void noMatchWithoutDefaultFailsWithNoChoiceMatched() {
        ExecutionResult r = run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "One"}]},
                  "One": {"Type": "Succeed"}}}""", "{\"n\": 2}", NO_TASKS);
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("States.NoChoiceMatched");
        assertThat(r.cause()).contains("\"C\"");
    }

    @Test
    void aVariableThatIsAbsentIsARuntimeErrorUnlessTestedWithIsPresent() {
        ExecutionResult r = run("""
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$.missing", "StringEquals": "x", "Next": "X"}],
                        "Default": "X"},
                  "X": {"Type": "Succeed"}}}""", "{}", NO_TASKS);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("Invalid path '$.missing'");
    }

    @Test
    void wildcardMatcherHandlesBacktracking() {
        assertThat(ChoiceRule.wildcardMatch("*.log", "a.log.log")).isTrue();
        assertThat(ChoiceRule.wildcardMatch("a*b*c", "aXbYbZc")).isTrue();
        assertThat(ChoiceRule.wildcardMatch("a*b*c", "aXbYbZ")).isFalse();
        assertThat(ChoiceRule.wildcardMatch("", "")).isTrue();
        assertThat(ChoiceRule.wildcardMatch("a\\\\b", "a\\b")).isTrue();
    }
}
