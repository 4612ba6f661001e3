package com.qualisys.asl;

import org.junit.jupiter.api.Test;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workflow variables (Assign, $name) in both query languages, on the developer guide's
 * "Passing data between states with variables": when assigned values become visible, and the
 * scopes of Parallel branches and Map iterations.
 */
class VariablesTest {

    private static ExecutionResult ok(ExecutionResult r) {
        assertThat(r.succeeded()).as("%s: %s", r.error(), r.cause()).isTrue();
        return r;
    }

    @Test
    void theGuidesAssignExampleSetsEveryVariableForLaterStates() {
        ExecutionResult r = ok(run("""
                {"QueryLanguage": "JSONata", "StartAt": "Set", "States": {
                  "Set": {"Type": "Pass", "Assign": {"productName": "product1", "count": 42, "available": true}, "Next": "Use"},
                  "Use": {"Type": "Pass", "End": true,
                          "Output": {"name": "{% $productName %}", "count": "{% $count %}", "available": "{% $available %}"}}}}""",
                "{}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("{\"name\": \"product1\", \"count\": 42, \"available\": true}"));
    }

    @Test
    void assignAndOutputOfOneStateSeeTheValuesFromBeforeTheState() {
        // The guide: every expression of a state reads the variables as they were when the state
        // was entered; the new values are visible from the next state on.
        ExecutionResult r = ok(run("""
                {"QueryLanguage": "JSONata", "StartAt": "One", "States": {
                  "One": {"Type": "Pass", "Assign": {"x": 1}, "Next": "Two"},
                  "Two": {"Type": "Pass", "Assign": {"x": "{% $x + 1 %}", "y": "{% $x %}"},
                          "Output": {"xInOutput": "{% $x %}"}, "Next": "Three"},
                  "Three": {"Type": "Pass", "End": true,
                            "Output": {"before": "{% $states.input.xInOutput %}", "x": "{% $x %}", "y": "{% $y %}"}}}}""",
                "{}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("{\"before\": 1, \"x\": 2, \"y\": 1}"));
    }

    @Test
    void jsonPathAssignReadsTheSelectedResultAndLaterStatesReadVariablesByPath() {
        ExecutionResult r = ok(run("""
                {"StartAt": "Get", "States": {
                  "Get": {"Type": "Task", "Resource": "get", "ResultSelector": {"id.$": "$.order.id"},
                          "Assign": {"orderId.$": "$.id", "customer.$": "$$.Execution.Input.customer", "static": "s"},
                          "ResultPath": null, "Next": "Use"},
                  "Use": {"Type": "Pass", "End": true, "Parameters": {
                     "order.$": "$orderId", "customer.$": "$customer.name", "static.$": "$static", "input.$": "$"}}}}""",
                "{\"customer\": {\"name\": \"Ann\"}}", (res, in, ctx) -> json("{\"order\": {\"id\": \"o-1\"}}")));
        assertThat(r.output()).isEqualTo(json("""
                {"order": "o-1", "customer": "Ann", "static": "s", "input": {"customer": {"name": "Ann"}}}"""));
    }

    @Test
    void choiceRulesAssignWhenTheyMatchAndTheStateAssignsOnTheDefault() {
        String def = """
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Assign": {"path": "default"},
                        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Assign": {"path": "big", "n.$": "$.n"},
                                     "Next": "Done"}],
                        "Default": "Done"},
                  "Done": {"Type": "Pass", "End": true, "Parameters": {"path.$": "$path"}}}}""";
        assertThat(ok(run(def, "{\"n\": 11}", NO_TASKS)).output()).isEqualTo(json("{\"path\": \"big\"}"));
        assertThat(ok(run(def, "{\"n\": 1}", NO_TASKS)).output()).isEqualTo(json("{\"path\": \"default\"}"));
    }

    @Test
    void aVariableCanBeAChoiceVariable() {
        ExecutionResult r = ok(run("""
                {"StartAt": "Set", "States": {
                  "Set": {"Type": "Pass", "Assign": {"retries": 3}, "Next": "C"},
                  "C": {"Type": "Choice", "Choices": [{"Variable": "$retries", "NumericEquals": 3, "Next": "Three"}],
                        "Default": "Other"},
                  "Three": {"Type": "Succeed"}, "Other": {"Type": "Fail", "Error": "Wrong"}}}""", "{}", NO_TASKS));
        assertThat(r.statesEntered()).containsExactly("Set", "C", "Three");
    }

    @Test
    void aJsonPathCatcherAssignsFromTheErrorOutput() {
        ExecutionResult r = ok(run("""
                {"StartAt": "T", "States": {
                  "T": {"Type": "Task", "Resource": "r", "End": true,
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "After",
                                   "Assign": {"lastError.$": "$.Error"}}]},
                  "After": {"Type": "Pass", "End": true, "Parameters": {"error.$": "$lastError", "env.$": "$.env"}}}}""",
                "{\"env\": \"dev\"}", (res, in, ctx) -> {
                    throw new TaskFailedException("Layer.Broken", "no");
                }));
        assertThat(r.output()).isEqualTo(json("{\"error\": \"Layer.Broken\", \"env\": \"dev\"}"));
    }

    @Test
    void branchesAndIterationsReadOuterVariablesButTheirOwnStayInside() {
        ExecutionResult r = ok(run("""
                {"QueryLanguage": "JSONata", "StartAt": "Set", "States": {
                  "Set": {"Type": "Pass", "Assign": {"prefix": "item-"}, "Next": "Each"},
                  "Each": {"Type": "Map", "Items": "{% [1, 2] %}", "Next": "After",
                    "ItemProcessor": {"StartAt": "Inner", "States": {
                      "Inner": {"Type": "Pass", "Assign": {"inner": "{% $states.input %}"}, "Next": "Use"},
                      "Use": {"Type": "Pass", "Output": "{% $prefix & $string($inner) %}", "End": true}}}},
                  "After": {"Type": "Pass", "End": true,
                            "Output": {"results": "{% $states.input %}", "innerVisible": "{% $exists($inner) %}"}}}}""",
                "{}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("{\"results\": [\"item-1\", \"item-2\"], \"innerVisible\": false}"));
    }

    @Test
    void readingAVariableThatWasNeverAssignedFailsInJsonPath() {
        ExecutionResult r = run("""
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$never"}, "End": true}}}""",
                "{}", NO_TASKS);
        assertThat(r.error()).isEqualTo("States.Runtime");
        assertThat(r.cause()).contains("$never, which has not been assigned");
    }

    @Test
    void theVariablesFixtureAssignsFromTheInput() {
        ExecutionResult r = ok(AslTestSupport.runner(NO_TASKS).build().execute(fixture("variables.asl.json"),
                json("{\"environment\": \"dev\"}"), "t"));
        assertThat(r.events(HistoryEventType.STATE_EXITED).get(0).details().get("assigned"))
                .isEqualTo(json("{\"environment\": \"dev\"}"));
    }
}
