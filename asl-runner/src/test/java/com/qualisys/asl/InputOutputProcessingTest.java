package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Input and output processing, with the examples of the ASL specification. */
class InputOutputProcessingTest {

    @Test
    void specExampleInputPathResultPathOutputPath() {
        // The spec: a task adding val1 and val2 sees only $.numbers and its result lands in $.sum.
        var adder = new AslTestSupport.Recorder((r, in, ctx) ->
                json(String.valueOf(in.get("val1").intValue() + in.get("val2").intValue())));
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {"X": {
                  "Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:task:X",
                  "InputPath": "$.numbers", "ResultPath": "$.sum", "OutputPath": "$", "End": true}}}""",
                """
                {"title": "Numbers to add", "numbers": {"val1": 3, "val2": 4}}""", adder);

        assertThat(adder.calls.get(0).input()).isEqualTo(json("{\"val1\": 3, \"val2\": 4}"));
        assertThat(r.output()).isEqualTo(json("""
                {"title": "Numbers to add", "numbers": {"val1": 3, "val2": 4}, "sum": 7}"""));
    }

    @Test
    void specExamplePayloadTemplateWithPathsSlicesContextAndIntrinsics() {
        // The spec's Parameters example; its $$.DayOfWeek becomes $$.Execution.Name here.
        var task = new AslTestSupport.Recorder((r, in, ctx) -> in);
        ExecutionResult r = AslTestSupport.runner(task).build().execute(StateMachineDefinition.parse("""
                {"StartAt": "X", "States": {"X": {
                  "Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:task:X",
                  "Parameters": {
                    "flagged": true,
                    "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[-3:]"},
                    "weekday.$": "$$.Execution.Name",
                    "formattedOutput.$": "States.Format('Today is {}', $$.Execution.Name)"
                  },
                  "End": true}}}"""), json("{\"flagged\": 7, \"vals\": [0, 10, 20, 30, 40, 50]}"), "TUESDAY");

        assertThat(task.calls.get(0).input()).isEqualTo(json("""
                {"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]},
                 "weekday": "TUESDAY", "formattedOutput": "Today is TUESDAY"}"""));
        assertThat(r.output()).isEqualTo(task.calls.get(0).input());
    }

    @Test
    void specExampleResultSelectorThenResultPath() {
        TaskDispatcher emr = (r, in, ctx) -> json("""
                {"resourceType": "elasticmapreduce", "resource": "createCluster.sync",
                 "output": {"SdkHttpMetadata": {"HttpStatusCode": 200},
                            "SdkResponseMetadata": {"RequestId": "1234-5678-9012"},
                            "ClusterId": "AKIAIOSFODNN7EXAMPLE"}}""");
        ExecutionResult r = run("""
                {"StartAt": "X", "States": {"X": {
                  "Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync",
                  "ResultSelector": {"ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType",
                                     "StaticValue": "foo"},
                  "ResultPath": "$.EMROutput", "End": true}}}""", "{\"foo\": \"bar\"}", emr);

        assertThat(r.output()).isEqualTo(json("""
                {"foo": "bar", "EMROutput": {"ClusterId": "AKIAIOSFODNN7EXAMPLE",
                 "ResourceType": "elasticmapreduce", "StaticValue": "foo"}}"""));
    }

    @Test
    void specExamplePassStateWithResultAndResultPath() {
        ExecutionResult r = run("""
                {"StartAt": "No-op", "States": {"No-op": {
                  "Type": "Pass", "Result": {"x-datum": 0.381018, "y-datum": 622.2269926397355},
                  "ResultPath": "$.coords", "End": true}}}""", "{\"georefOf\": \"Home\"}", NO_TASKS);

        assertThat(r.output()).isEqualTo(json("""
                {"georefOf": "Home", "coords": {"x-datum": 0.381018, "y-datum": 622.2269926397355}}"""));
    }

    @Test
    void resultPathReplacesANestedNodeOfTheRawInput() {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$.other",
                  "Result": "hello", "ResultPath": "$.master.detail", "End": true}}}""",
                "{\"master\": {\"detail\": [1, 2, 3], \"keep\": true}, \"other\": {}}", NO_TASKS);

        // ResultPath combines the result with the raw input, not with what InputPath selected.
        assertThat(r.output()).isEqualTo(json("{\"master\": {\"detail\": \"hello\", \"keep\": true}, \"other\": {}}"));
    }

    @Test
    void passWithoutResultPassesItsEffectiveInput() {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass",
                  "Parameters": {"id.$": "$.a.id", "static": 1}, "ResultPath": "$.copy", "End": true}}}""",
                "{\"a\": {\"id\": \"x\"}}", NO_TASKS);
        assertThat(r.output()).isEqualTo(json("{\"a\": {\"id\": \"x\"}, \"copy\": {\"id\": \"x\", \"static\": 1}}"));
    }

    @Test
    void nullPathsGiveEmptyObjectsOrDiscardTheResult() {
        var task = new AslTestSupport.Recorder((r, in, ctx) -> json("{\"ignored\": true}"));
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "task", "InputPath": null, "ResultPath": null, "Next": "P"},
                  "P": {"Type": "Pass", "OutputPath": null, "End": true}}}""", "{\"keep\": 1}", task);

        assertThat(task.calls.get(0).input()).isEqualTo(json("{}"));
        assertThat(r.history().stream().filter(e -> e.type() == HistoryEventType.STATE_EXITED
                && e.stateName().equals("T")).findFirst().orElseThrow().details().get("output"))
                .isEqualTo(json("{\"keep\": 1}"));
        assertThat(r.output()).isEqualTo(json("{}"));
    }

    @Test
    void processingRunsInTheSpecifiedOrder() {
        // InputPath -> Parameters -> task -> ResultSelector -> ResultPath (on the raw input) -> OutputPath
        var task = new AslTestSupport.Recorder((r, in, ctx) -> json("{\"value\": 42, \"noise\": [1, 2]}"));
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "task",
                  "InputPath": "$.request",
                  "Parameters": {"asked.$": "$.question", "by.$": "$$.State.Name"},
                  "ResultSelector": {"answer.$": "$.value"},
                  "ResultPath": "$.response",
                  "OutputPath": "$.response",
                  "End": true}}}""", "{\"request\": {\"question\": \"meaning\"}, \"other\": 1}", task);

        assertThat(task.calls.get(0).input()).isEqualTo(json("{\"asked\": \"meaning\", \"by\": \"T\"}"));
        assertThat(r.output()).isEqualTo(json("{\"answer\": 42}"));
    }

    @Test
    void parametersPathFailureIsAStatesErrorThatCatchSees() {
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "task", "Parameters": {"id.$": "$.missing"},
                        "Catch": [{"ErrorEquals": ["States.ParameterPathFailure"], "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Pass", "End": true}}}""", "{\"present\": 1}", NO_TASKS);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.output().get("Error").textValue()).isEqualTo("States.ParameterPathFailure");
        assertThat(r.output().get("Cause").textValue()).contains("$.missing").contains("id.$");
    }

    @Test
    void inputPathSelectingNothingIsStatesRuntimeWhichNoCatcherCatches() {
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "task", "InputPath": "$.absent",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "End": true},
                  "Handled": {"Type": "Pass", "End": true}}}""", "{}", NO_TASKS);

        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("$.absent");
    }

    @Test
    void resultPathIntoAStringIsResultPathMatchFailure() {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "ResultPath": "$.name.first",
                  "End": true}}}""", "{\"name\": \"Ada\"}", NO_TASKS);

        assertThat(r.error()).isEqualTo("States.ResultPathMatchFailure");
        assertThat(r.cause()).contains("$.name.first");
    }

    @Test
    void catcherResultPathInjectsTheErrorOutputIntoTheRawInput() {
        TaskDispatcher failing = (res, in, ctx) -> {
            throw new TaskFailedException("Custom.Error", "it broke");
        };
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "task", "InputPath": "$.only", "OutputPath": "$.never",
                        "Catch": [{"ErrorEquals": ["Custom.Error"], "ResultPath": "$.error", "Next": "Done"}],
                        "End": true},
                  "Done": {"Type": "Succeed"}}}""", "{\"only\": {}, \"keep\": true}", failing);

        JsonNode expected = json("{\"only\": {}, \"keep\": true, \"error\": {\"Error\": \"Custom.Error\", \"Cause\": \"it broke\"}}");
        assertThat(r.output()).isEqualTo(expected);
    }
}
