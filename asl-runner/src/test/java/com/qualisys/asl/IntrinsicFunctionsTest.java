package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.UUID;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The intrinsic functions, with the developer guide's examples. */
class IntrinsicFunctionsTest {

    @Test
    void everyFunctionOnTheGuideExamples() {
        ExecutionResult r = AslTestSupport.runner(NO_TASKS).build().execute(fixture("intrinsics.asl.json"), json("""
                {"name": "Arnav", "age": 30, "json": "{\\"foo\\": \\"bar\\"}", "obj": {"name": "Foo", "year": 2020},
                 "numbers": [1, 2, 3, 4, 5, 6, 7, 8, 9], "dupes": [1, 2, 3, 3, 3, 3, 3, 3, 4],
                 "json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
                 "value1": 111, "step": -1, "arn": "arn:aws:lambda:us-east-1:123456789012:function:plan"}"""), null);
        assertThat(r.succeeded()).as("%s %s", r.error(), r.cause()).isTrue();
        JsonNode o = r.output();

        assertThat(o.get("greeting").textValue()).isEqualTo("Hello, Arnav! You are 30 years old.");
        assertThat(o.get("escaped").textValue()).isEqualTo("literal {} and it's Arnav");
        assertThat(o.get("parsed")).isEqualTo(json("{\"foo\": \"bar\"}"));
        assertThat(o.get("serialized").textValue()).isEqualTo("{\"name\":\"Foo\",\"year\":2020}");
        assertThat(o.get("array")).isEqualTo(json("[\"a\", 1, true, null, {\"name\": \"Foo\", \"year\": 2020}]"));
        assertThat(o.get("partitions")).isEqualTo(json("[[1, 2, 3, 4], [5, 6, 7, 8], [9]]"));
        assertThat(o.get("contains").booleanValue()).isTrue();
        assertThat(o.get("range")).isEqualTo(json("[1, 3, 5, 7, 9]"));
        assertThat(o.get("item").intValue()).isEqualTo(6);
        assertThat(o.get("length").intValue()).isEqualTo(9);
        assertThat(o.get("unique")).isEqualTo(json("[1, 2, 3, 4]"));
        assertThat(o.get("b64").textValue()).isEqualTo("RGF0YSB0byBlbmNvZGU=");
        assertThat(o.get("decoded").textValue()).isEqualTo("Data to encode");
        assertThat(o.get("hash").textValue()).isEqualTo("aaff4a450a104cd177d28d18d74485e8cae074b7");
        assertThat(o.get("merged")).isEqualTo(json("{\"a\": {\"a3\": 1, \"a4\": 2}, \"b\": 2, \"c\": 3}"));
        assertThat(o.get("sum").intValue()).isEqualTo(110);
        assertThat(o.get("random").intValue()).isBetween(1, 998);
        assertThat(o.get("split")).isEqualTo(json("[\"This\", \"is\", \"a\", \"test\", \"string\"]"));
        assertThat(UUID.fromString(o.get("uuid").textValue()).version()).isEqualTo(4);
        assertThat(o.get("account").textValue()).isEqualTo("123456789012");

        ExecutionResult again = AslTestSupport.runner(NO_TASKS).build()
                .execute(fixture("intrinsics.asl.json"), r.history().get(0).details().get("input"), null);
        assertThat(again.output().get("seeded")).as("the same seed gives the same number").isEqualTo(o.get("seeded"));
    }

    private static JsonNode eval(String expression, String input) {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": %s}, "End": true}}}"""
                .formatted(AslTestSupport.MAPPER.valueToTree(expression).toString()), input, NO_TASKS);
        assertThat(r.succeeded()).as("%s: %s %s", expression, r.error(), r.cause()).isTrue();
        return r.output().get("v");
    }

    @Test
    void smallCases() {
        assertThat(eval("States.Format('{} {} {}', $.s, $.n, $.b)", "{\"s\": \"x\", \"n\": 1.5, \"b\": null}").textValue())
                .isEqualTo("x 1.5 null");
        assertThat(eval("States.Format($.template, $.name)", "{\"template\": \"Hello, my name is {}.\", \"name\": \"Arnav\"}")
                .textValue()).isEqualTo("Hello, my name is Arnav.");
        assertThat(eval("States.Format('back\\\\slash')", "{}").textValue()).isEqualTo("back\\slash");
        assertThat(eval("States.Array()", "{}")).isEqualTo(json("[]"));
        assertThat(eval("States.ArrayRange(5, 1, -2)", "{}")).isEqualTo(json("[5, 3, 1]"));
        assertThat(eval("States.ArrayRange(1, 5, -1)", "{}")).isEqualTo(json("[]"));
        assertThat(eval("States.ArrayContains($.a, $.v)", "{\"a\": [{\"k\": 1}], \"v\": {\"k\": 1.0}}").booleanValue()).isTrue();
        assertThat(eval("States.StringSplit('a,,b', ',')", "{}")).isEqualTo(json("[\"a\", \"b\"]"));
        assertThat(eval("States.MathAdd(-3, 2.0)", "{}").intValue()).isEqualTo(-1);
        assertThat(eval("States.Hash($.obj, 'SHA-256')", "{\"obj\": \"abc\"}").textValue())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(eval("States.JsonToString($$.State.Name)", "{}").textValue()).isEqualTo("\"P\"");
        assertThat(eval("States.ArrayLength(States.Array($.x, $.x))", "{\"x\": 0}").intValue()).isEqualTo(2);
    }

    @Test
    void mathFunctionsRoundNonIntegerNumbersToTheNearestIntegerAsAwsDoes() {
        assertThat(eval("States.MathAdd($.a, $.b)", "{\"a\": 1.5, \"b\": 1}").intValue()).isEqualTo(3);
        assertThat(eval("States.MathAdd(1.4, -1)", "{}").intValue()).isEqualTo(0);
        assertThat(eval("States.MathAdd(-1.5, 0)", "{}").intValue()).as("halves round away from zero").isEqualTo(-2);
        assertThat(eval("States.MathAdd(2147483647, 1)", "{}").longValue()).as("the sum may leave the int range")
                .isEqualTo(2147483648L);
        for (int i = 0; i < 20; i++) {
            assertThat(eval("States.MathRandom(0.6, 2.4)", "{}").intValue()).as("start 1 (inclusive), end 2 (exclusive)")
                    .isEqualTo(1);
        }
        assertThat(eval("States.MathRandom(1, 1000, 7.2)", "{}")).as("a rounded seed is a seed")
                .isEqualTo(eval("States.MathRandom(1, 1000, 7)", "{}"));
    }

    @Test
    void aPathArgumentThatMatchesNothingIsAStatesRuntimeErrorAsOnAws() {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Pass", "Parameters": {"v.$": "States.ArrayLength($.missing)"}, "End": true}}}""",
                "{}", NO_TASKS);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("'$.missing' of States.ArrayLength could not be found");
    }

    @Test
    void stringToJsonOfAnEmptyStringIsNull() {
        assertThat(eval("States.StringToJson($.s)", "{\"s\": \"\"}").isNull()).isTrue();
        assertThat(eval("States.StringToJson('  ')", "{}").isNull()).isTrue();
    }

    @Test
    void formatWritesObjectAndArrayArgumentsAsJsonText() {
        assertThat(eval("States.Format('obj={} arr={}', $.obj, $.arr)", "{\"obj\": {\"a\": 1, \"b\": \"x\"}, \"arr\": [1, null]}")
                .textValue()).isEqualTo("obj={\"a\":1,\"b\":\"x\"} arr=[1,null]");
    }

    @Test
    void pathArgumentsMayReadVariablesAndUseFilters() {
        ExecutionResult r = run("""
                {"StartAt": "Remember", "States": {
                  "Remember": {"Type": "Pass", "Assign": {"greeting": "Hello"}, "Next": "Use"},
                  "Use": {"Type": "Pass", "Parameters": {
                     "v.$": "States.Format('{}, {}', $greeting, States.ArrayGetItem($.people[?(@.age > 30)].name, 0))"},
                   "End": true}}}""", "{\"people\": [{\"name\": \"Ann\", \"age\": 25}, {\"name\": \"Bo\", \"age\": 40}]}",
                NO_TASKS);
        assertThat(r.output().get("v").textValue()).isEqualTo("Hello, Bo");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "States.Format('{} and {}', $.s)                 | 2 {} placeholder(s) but 1 argument(s)",
            "States.StringToJson($.s)                        | not a JSON text",
            "States.ArrayPartition($.arr, 0)                 | chunk size must be a positive integer",
            "States.ArrayGetItem($.arr, 3)                   | outside the array of size 3",
            "States.ArrayGetItem($.s, 0)                     | argument 1 must be an array, got a string",
            "States.ArrayRange(1, 2000, 1)                   | at most 1000",
            "States.ArrayRange(1, 5, 0)                      | step must not be 0",
            "States.MathAdd(1, 'x')                          | argument 2 must be a number, got a string",
            "States.MathAdd(2147483647.6, 1)                 | outside the range of a 32-bit integer",
            "States.MathRandom(5, 5)                         | must be greater than the start",
            "States.JsonMerge($.obj, $.obj, true)            | deep merge",
            "States.Hash($.s, 'SHA-3')                       | unsupported algorithm",
            "States.Base64Decode('***')                      | not Base64",
    })
    void misuseFailsWithStatesIntrinsicFailure(String expression, String message) {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {
                  "P": {"Type": "Task", "Resource": "t", "Parameters": {"v.$": %s}, "End": true,
                        "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "Next": "Caught"}]},
                  "Caught": {"Type": "Pass", "End": true}}}""".formatted(
                AslTestSupport.MAPPER.valueToTree(expression).toString()),
                "{\"s\": \"text\", \"obj\": {\"a\": 1}, \"arr\": [1, 2, 3]}", NO_TASKS);
        assertThat(r.statesEntered()).containsExactly("P", "Caught");
        assertThat(r.output().get("Error").textValue()).isEqualTo("States.IntrinsicFailure");
        assertThat(r.output().get("Cause").textValue()).contains(message);
    }

    @Test
    void malformedInvocationsAreRejectedWhenTheDefinitionIsParsed() {
        assertThatThrownBy(() -> Intrinsic.parse("States.Nope($.a)")).hasMessageContaining("unknown intrinsic function 'States.Nope'");
        assertThatThrownBy(() -> Intrinsic.parse("States.ArrayLength($.a, $.b)")).hasMessageContaining("takes 1 argument(s), got 2");
        assertThatThrownBy(() -> Intrinsic.parse("States.Format('open \\escape')")).hasMessageContaining("open escape");
        assertThatThrownBy(() -> Intrinsic.parse("States.Format('unterminated)")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Intrinsic.parse("States.UUID() trailing")).hasMessageContaining("unexpected text");
        String deep = "$.a";
        for (int i = 0; i < 11; i++) {
            deep = "States.Array(" + deep + ")";
        }
        String tooDeep = deep;
        assertThatThrownBy(() -> Intrinsic.parse(tooDeep)).hasMessageContaining("nested at most 10");
        assertThat(Intrinsic.parse("States.Format( '{}' ,  $['a b'] )").args()).hasSize(2);
    }
}
