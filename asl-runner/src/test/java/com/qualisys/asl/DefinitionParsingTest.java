package com.qualisys.asl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What parsing rejects, and how it says so. */
class DefinitionParsingTest {

    private static AslDefinitionException rejected(String definition) {
        try {
            StateMachineDefinition.parse(definition);
        } catch (AslDefinitionException e) {
            return e;
        }
        throw new AssertionError("accepted: " + definition);
    }

    private static String machine(String states) {
        return "{\"StartAt\": \"Foo\", \"States\": {" + states + "}}";
    }

    @Test
    void anUnsupportedFeatureIsRejectedNamingTheStateAndTheField() {
        AslDefinitionException e = rejected(AslTestSupport.resourceText("/asl-unsupported/distributed-map.asl.json")
                .replace("\"Objects\"", "\"Foo\""));
        assertThat(e.problems()).contains(
                "state \"Foo\": field \"ItemReader\" is not supported by the local runner (distributed Map)",
                "state \"Foo\": field \"ItemProcessor.ProcessorConfig\": Mode \"DISTRIBUTED\" is not supported by"
                        + " the local runner (distributed Map); only INLINE is");
        assertThat(e.getMessage()).startsWith("invalid state machine definition (");
    }

    @Test
    void whatStaysUnsupportedIsRejectedNamingTheField() {
        assertThat(rejected(AslTestSupport.resourceText("/asl-unsupported/task-credentials.asl.json")).problems())
                .containsExactly("state \"Plan\": field \"Credentials\" is not supported by the local runner"
                        + " (cross-account task credentials)");
    }

    @Test
    void eachQueryLanguageRejectsTheOthersFieldsByName() {
        assertThat(rejected(machine("""
                "Foo": {"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "$.a", "Parameters": {"x": 1},
                        "End": true}""")).problems()).containsExactly(
                "state \"Foo\": field \"InputPath\" is a JSONPath field, not allowed in a JSONata state (use Arguments,"
                        + " Output, Items and {% expressions %})",
                "state \"Foo\": field \"Parameters\" is a JSONPath field, not allowed in a JSONata state (use Arguments,"
                        + " Output, Items and {% expressions %})");
        assertThat(rejected(machine("""
                "Foo": {"Type": "Task", "Resource": "r", "Arguments": {"a": 1}, "Output": "{% $states.result %}",
                        "End": true}""")).problems()).containsExactly(
                "state \"Foo\": field \"Arguments\" is a JSONata field; set \"QueryLanguage\": \"JSONata\" on the state"
                        + " or the state machine to use it",
                "state \"Foo\": field \"Output\" is a JSONata field; set \"QueryLanguage\": \"JSONata\" on the state"
                        + " or the state machine to use it");
        assertThat(rejected("""
                {"QueryLanguage": "JSONata", "StartAt": "Foo", "States": {
                  "Foo": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}""").problems()).containsExactly(
                "state \"Foo\": field \"QueryLanguage\" is JSONPath in a JSONata state machine; a state may only"
                        + " change the default JSONPath to JSONata");
        assertThat(rejected("""
                {"QueryLanguage": "JSONata", "StartAt": "Foo", "States": {
                  "Foo": {"Type": "Choice", "Choices": [{"Variable": "$.a", "BooleanEquals": true, "Next": "Bar"}],
                          "Default": "Bar"},
                  "Bar": {"Type": "Succeed"}}}""").problems()).contains(
                "state \"Foo\": Choices[0]: field \"Variable\" is not allowed in a JSONata choice rule (Condition, Next,"
                        + " Assign, Output)",
                "state \"Foo\": Choices[0]: field \"Condition\" is required in a JSONata choice rule");
        assertThat(rejected("""
                {"StartAt": "Foo", "States": {
                  "Foo": {"Type": "Map", "QueryLanguage": "JSONata", "End": true, "ItemProcessor": {
                    "QueryLanguage": "JSONata", "StartAt": "Bar", "States": {
                      "Bar": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}}}}""").problems()).containsExactly(
                "state \"Foo\" ItemProcessor: field \"QueryLanguage\" is not supported here; the states of a branch or"
                        + " processor take the state machine's QueryLanguage or set their own",
                "state \"Bar\": field \"Output\" is a JSONata field; set \"QueryLanguage\": \"JSONata\" on the state"
                        + " or the state machine to use it");
        assertThat(rejected("""
                {"QueryLanguage": "JSONata", "StartAt": "Foo", "States": {
                  "Foo": {"Type": "Pass", "Output": "{% $states.input. %}", "End": true}}}""").problems())
                .singleElement().asString().startsWith("state \"Foo\": field \"Output\": the JSONata expression"
                        + " {% $states.input. %} is invalid");
    }

    @Test
    void variableNamesAreChecked() {
        assertThat(rejected(machine("""
                "Foo": {"Type": "Pass", "Assign": {"states": 1, "9lives": 2, "ok_name": 3}, "End": true}""")).problems())
                .containsExactly(
                        "state \"Foo\": Assign: \"states\" is reserved ($states); choose another variable name",
                        "state \"Foo\": Assign: \"9lives\" is not a valid variable name (a letter or _, then letters,"
                                + " digits or _; at most 80 characters)");
    }

    @Test
    void structuralErrorsAreAllReported() {
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\"}")).problems())
                .containsExactly("state \"Foo\": needs \"Next\" or \"End\": true");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"Next\": \"Bar\", \"End\": true}, \"Bar\": {\"Type\": \"Succeed\"}"))
                .problems()).contains("state \"Foo\": has both \"Next\" and \"End\": true; give exactly one");
        assertThat(rejected("{\"StartAt\": \"Nope\", \"States\": {\"Foo\": {\"Type\": \"Succeed\"}}}").problems())
                .containsExactly("state machine: StartAt \"Nope\" names no state");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"Next\": \"Bar\"}")).problems())
                .containsExactly("state \"Foo\": transition to \"Bar\" names no state");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Succeed\"}, \"Orphan\": {\"Type\": \"Succeed\"}")).problems())
                .containsExactly("state \"Orphan\" is not reachable from StartAt \"Foo\"");
        assertThat(rejected("{\"States\": {}}").problems()).contains(
                "state machine: field \"StartAt\" (a state name) is required",
                "state machine: field \"States\" must be a non-empty object");
        assertThat(rejected("{\"StartAt\": \"Foo\", \"States\": {\"Foo\": {\"Type\": \"Sleep\"}}}").problems())
                .containsExactly("state \"Foo\": field \"Type\" must be one of Pass, Task, Choice, Wait, Succeed, Fail,"
                        + " Parallel, Map (got \"Sleep\")");
        assertThatThrownBy(() -> StateMachineDefinition.parse("{\"StartAt\": "))
                .isInstanceOf(AslDefinitionException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void transitionsCannotLeaveABranchAndNamesAreUniqueEverywhere() {
        AslDefinitionException e = rejected(machine("""
                "Foo": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Foo"}}},
                  {"StartAt": "Foo", "States": {"Foo": {"Type": "Succeed"}}}]}"""));
        assertThat(e.problems()).contains(
                "state \"A\": transition to \"Foo\" names no state in state \"Foo\" Branches[0]",
                "state \"Foo\": state names must be unique in the whole state machine (also across Parallel"
                        + " branches and Map processors)");
    }

    @Test
    void fieldsAreCheckedPerStateType() {
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"Resource\": \"x\", \"Bogus\": 1, \"End\": true}"))
                .problems()).containsExactly(
                "state \"Foo\": field \"Resource\" is not allowed in a Pass state",
                "state \"Foo\": unknown field \"Bogus\"");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Wait\", \"Seconds\": 1, \"Timestamp\": \"2016-03-14T01:59:00Z\", \"End\": true}"))
                .problems()).containsExactly("state \"Foo\": give exactly one of \"Seconds\", \"SecondsPath\","
                + " \"Timestamp\", \"TimestampPath\"");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Task\", \"Resource\": \"r\", \"TimeoutSeconds\": 10,"
                + " \"HeartbeatSeconds\": 10, \"End\": true}")).problems()).containsExactly(
                "state \"Foo\": \"HeartbeatSeconds\" (10) must be smaller than \"TimeoutSeconds\" (10)");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\","
                + " \"End\": true}")).problems()).containsExactly(
                "state \"Foo\": Resource arn:aws:states:::lambda:invoke needs \"Parameters\" with \"FunctionName\"");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Fail\", \"Error\": \"E\", \"ErrorPath\": \"$.e\"}"))
                .problems()).containsExactly("state \"Foo\": give at most one of \"Error\" and \"ErrorPath\"");
    }

    @Test
    void retryAndCatchRules() {
        assertThat(rejected(machine("""
                "Foo": {"Type": "Task", "Resource": "r", "End": true,
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Foo"}, {"ErrorEquals": ["X"], "Next": "Foo"}]}"""))
                .problems()).containsExactly("state \"Foo\": Catch[0]: \"States.ALL\" must appear alone in"
                + " ErrorEquals, in the last element of the array");
        assertThat(rejected(machine("""
                "Foo": {"Type": "Task", "Resource": "r", "End": true,
                        "Retry": [{"ErrorEquals": ["States.ALL", "X"]}]}""")).problems()).containsExactly(
                "state \"Foo\": Retry[0]: \"States.ALL\" must appear alone in ErrorEquals, in the last element of the array");
        assertThat(rejected(machine("""
                "Foo": {"Type": "Task", "Resource": "r", "End": true,
                        "Retry": [{"ErrorEquals": ["States.Typo"], "IntervalSeconds": 0, "BackoffRate": 0.5,
                                   "MaxAttempts": -1, "JitterStrategy": "SOME"}]}""")).problems()).containsExactly(
                "state \"Foo\": Retry[0]: \"States.Typo\" is not a known States.* error name (names starting with"
                        + " \"States.\" are reserved)",
                "state \"Foo\": Retry[0]: field \"IntervalSeconds\" must be a positive integer, got 0",
                "state \"Foo\": Retry[0]: field \"MaxAttempts\" must be a non-negative integer, got -1",
                "state \"Foo\": Retry[0]: field \"BackoffRate\" must be a number >= 1.0",
                "state \"Foo\": Retry[0]: field \"JitterStrategy\" must be \"FULL\" or \"NONE\"");
        assertThat(rejected(machine("""
                "Foo": {"Type": "Task", "Resource": "r", "End": true, "Catch": [{"ErrorEquals": []}]}""")).problems())
                .contains("state \"Foo\": Catch[0]: field \"ErrorEquals\" must be a non-empty array of error names",
                        "state \"Foo\": Catch[0]: field \"Next\" (a state name) is required");
    }

    @Test
    void pathsAreCheckedWhenParsed() {
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"ResultPath\": \"$.items[*]\", \"End\": true}"))
                .problems()).containsExactly("state \"Foo\": field \"ResultPath\" must be a Reference Path into the"
                + " state input ($, members and indexes only; no $$, variables, wildcards, slices, unions, filters or deep"
                + " scan), got \"$.items[*]\"");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"$.a[?(@.b >\"}, \"End\": true}"))
                .problems()).singleElement().asString()
                .startsWith("state \"Foo\": field \"Parameters\": member \"x.$\": invalid JSONPath '$.a[?(@.b >'");
        assertThat(rejected(machine("\"Foo\": {\"Type\": \"Pass\", \"Parameters\": {\"x.$\": \"plain\", \"y.$\": 3,"
                + " \"z.$\": \"States.Nope()\"}, \"End\": true}")).problems()).hasSize(3);
    }

    @Test
    void choiceRulesAreChecked() {
        assertThat(rejected(machine("""
                "Foo": {"Type": "Choice", "Default": "Bar", "Choices": [
                  {"Variable": "$.a", "StringEquals": 1, "Next": "Bar"},
                  {"Variable": "$.a", "NumericEquals": 1, "IsNull": true, "Next": "Bar"},
                  {"Not": {"Variable": "$.a", "IsPresent": true, "Next": "Bar"}, "Next": "Bar"},
                  {"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "Bar"},
                  {"Variable": "$.a", "BooleanEquals": true}]},
                "Bar": {"Type": "Succeed"}""")).problems()).containsExactly(
                "state \"Foo\": Choices[0]: \"StringEquals\" must be a string, got 1",
                "state \"Foo\": Choices[1]: a choice rule must have exactly one comparison operator, found"
                        + " [NumericEquals, IsNull]",
                "state \"Foo\": Choices[2] > Not: a nested choice rule (inside And, Or or Not) must not have \"Next\"",
                "state \"Foo\": Choices[3]: \"TimestampEquals\" must be an RFC 3339 timestamp such as"
                        + " 2016-08-18T17:33:00Z, got \"yesterday\"",
                "state \"Foo\": Choices[4]: a top-level choice rule needs \"Next\"");
    }

    @Test
    void substitutionsReplacePlaceholdersAndUnresolvedOnesAreNamed() {
        String definition = """
                {"StartAt": "Plan", "States": {"Plan": {"Type": "Task", "Resource": "${PlanFn}", "Next": "Notify"},
                  "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                             "Parameters": {"TopicArn": "${TopicArn}", "Message": "${Missing} and ${Other}"}, "End": true}}}""";
        assertThatThrownBy(() -> StateMachineDefinition.parse(definition, Map.of("PlanFn", "arn:plan", "TopicArn", "arn:t")))
                .isInstanceOf(AslDefinitionException.class)
                .hasMessage("invalid state machine definition: definition substitutions ${Missing}, ${Other} have no"
                        + " value (known: [PlanFn, TopicArn])");

        StateMachineDefinition parsed = StateMachineDefinition.parse(definition,
                Map.of("PlanFn", "arn:plan", "TopicArn", "arn:t", "Missing", "m", "Other", "o"));
        assertThat(parsed.taskResources()).containsExactlyInAnyOrder("arn:plan", "arn:aws:states:::sns:publish");
        assertThat(parsed.json().at("/States/Notify/Parameters/Message").textValue()).isEqualTo("m and o");
        // Without substitutions, placeholders are plain text.
        assertThat(StateMachineDefinition.parse(definition).taskResources()).contains("${PlanFn}");
    }

    @Test
    void loadNamesTheDefinitionAfterItsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("provision.asl.json");
        Files.writeString(file, "{\"StartAt\": \"Lock\", \"States\": {\"Lock\": {\"Type\": \"Task\", \"Resource\": \"${LockFn}\", \"End\": true}}}");
        StateMachineDefinition d = StateMachineDefinition.load(file, Map.of("LockFn", "lock"));
        assertThat(d.name()).isEqualTo("provision");
        assertThat(d.startAt()).isEqualTo("Lock");
        assertThat(d.stateNames()).containsExactly("Lock");
        assertThatThrownBy(() -> StateMachineDefinition.load(file, Map.of()))
                .hasMessageContaining(file + ": definition substitution ${LockFn} has no value");
    }

    @Test
    void everyFixtureParses() {
        for (String name : new String[]{"approval", "choice-rules", "fan-out", "intrinsics", "throttled-deploy", "wait-loop"}) {
            StateMachineDefinition d = AslTestSupport.fixture(name + ".asl.json");
            assertThat(d.name()).isEqualTo(name);
            assertThat(d.taskResources()).noneMatch(r -> r.contains("${"));
        }
        assertThat(AslTestSupport.fixture("fan-out.asl.json").stateNames())
                .containsExactlyInAnyOrder("PlanLayers", "Plan", "Report", "StoreReport", "Publish");
    }
}
