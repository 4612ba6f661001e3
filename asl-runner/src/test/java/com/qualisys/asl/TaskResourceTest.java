package com.qualisys.asl;

import org.junit.jupiter.api.Test;

import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** What the dispatcher is called with, and what becomes the result, per Resource form. */
class TaskResourceTest {

    @Test
    void aPlainLambdaArnIsDispatchedAsIsAndItsReturnValueIsTheResult() {
        var d = new AslTestSupport.Recorder((res, in, ctx) -> json("{\"ok\": true}"));
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task",
                  "Resource": "arn:aws:lambda:us-east-1:123456789012:function:plan-vpc", "End": true}}}""",
                "{\"env\": \"dev\"}", d);
        assertThat(d.calls.get(0).resource()).isEqualTo("arn:aws:lambda:us-east-1:123456789012:function:plan-vpc");
        assertThat(d.calls.get(0).input()).isEqualTo(json("{\"env\": \"dev\"}"));
        assertThat(d.calls.get(0).ctx().stateName()).isEqualTo("T");
        assertThat(r.output()).isEqualTo(json("{\"ok\": true}"));
    }

    @Test
    void lambdaInvokeDispatchesTheFunctionNameWithThePayloadAndWrapsTheResult() {
        var d = new AslTestSupport.Recorder((res, in, ctx) -> json("{\"planned\": 3}"));
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "plan-fn", "Payload": {"env.$": "$.env"}}, "Next": "Shape"},
                 "Shape": {"Type": "Pass", "Parameters": {"status.$": "$.StatusCode", "payload.$": "$.Payload"},
                  "End": true}}}""", "{\"env\": \"dev\"}", d);
        assertThat(d.calls.get(0).resource()).isEqualTo("plan-fn");
        assertThat(d.calls.get(0).input()).isEqualTo(json("{\"env\": \"dev\"}"));
        assertThat(r.output()).isEqualTo(json("{\"status\": 200, \"payload\": {\"planned\": 3}}"));
        assertThat(r.events(HistoryEventType.TASK_SUCCEEDED).get(0).details().get("output").get("ExecutedVersion")
                .textValue()).isEqualTo("$LATEST");
    }

    @Test
    void lambdaInvokeWithoutPayloadSendsAnEmptyObjectAndFunctionNameMayBeDynamic() {
        var d = new AslTestSupport.Recorder((res, in, ctx) -> json("1"));
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName.$": "$.fn"}, "ResultSelector": {"v.$": "$.Payload"}, "End": true}}}""",
                "{\"fn\": \"chosen-at-run-time\"}", d);
        assertThat(d.calls.get(0).resource()).isEqualTo("chosen-at-run-time");
        assertThat(d.calls.get(0).input()).isEqualTo(json("{}"));
        assertThat(r.output()).isEqualTo(json("{\"v\": 1}"));
    }

    @Test
    void otherIntegrationsGetTheResourceUnchangedAndTheEffectiveParameters() {
        var d = new AslTestSupport.Recorder((res, in, ctx) -> json("{\"MessageId\": \"m-1\"}"));
        ExecutionResult r = run("""
                {"StartAt": "Notify", "States": {"Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                  "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:drift",
                                 "Message.$": "States.Format('{} drifted', $.layer)"},
                  "ResultPath": "$.notification", "Next": "Event"},
                 "Event": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                  "Parameters": {"Entries": [{"Source": "qualisys", "DetailType": "Drift", "Detail.$": "$"}]},
                  "ResultPath": null, "End": true}}}""", "{\"layer\": \"vpc\"}", d);

        assertThat(d.resources()).containsExactly("arn:aws:states:::sns:publish", "arn:aws:states:::events:putEvents");
        assertThat(d.calls.get(0).input()).isEqualTo(json("""
                {"TopicArn": "arn:aws:sns:us-east-1:123456789012:drift", "Message": "vpc drifted"}"""));
        assertThat(d.calls.get(1).input()).isEqualTo(json("""
                {"Entries": [{"Source": "qualisys", "DetailType": "Drift",
                  "Detail": {"layer": "vpc", "notification": {"MessageId": "m-1"}}}]}"""));
        assertThat(r.output()).isEqualTo(json("{\"layer\": \"vpc\", \"notification\": {\"MessageId\": \"m-1\"}}"));
    }

    @Test
    void theDispatcherCannotChangeTheStateInput() {
        ExecutionResult r = run("""
                {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "t", "ResultPath": "$.r", "End": true}}}""",
                "{\"a\": 1}", (res, in, ctx) -> {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) in).put("a", 999);
                    return json("true");
                });
        assertThat(r.output()).isEqualTo(json("{\"a\": 1, \"r\": true}"));
    }
}
