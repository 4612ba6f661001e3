package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static com.qualisys.asl.AslTestSupport.NO_TASKS;
import static com.qualisys.asl.AslTestSupport.fixture;
import static com.qualisys.asl.AslTestSupport.json;
import static com.qualisys.asl.AslTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every state type in the JSONata query language, on the developer guide's examples
 * ("Transforming data with JSONata", "Passing data between states with variables", the state
 * pages' JSONata samples): Arguments, Output, Assign, Condition, Items, ItemSelector,
 * $states.input/result/errorOutput/context, the functions Step Functions adds, and the
 * States.QueryEvaluationError error.
 */
class JsonataStatesTest {

    private static String machine(String states) {
        return "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {" + states + "}}";
    }

    private static ExecutionResult ok(ExecutionResult r) {
        assertThat(r.succeeded()).as("%s: %s", r.error(), r.cause()).isTrue();
        return r;
    }

    @Test
    void theGuidesJsonPathToJsonataConversionGivesTheSameArgumentsInBothLanguages() {
        // "Given input { "title": "Doctor" } and variable customerName assigned to "María", both
        // state machines will produce the following JSON result".
        JsonNode expected = json("""
                {"static": "Hello", "title": "Doctor", "name": "María", "not-evaluated": "$customerName"}""");
        AslTestSupport.Recorder jsonata = new AslTestSupport.Recorder((res, in, ctx) -> in);
        ok(run(machine("""
                "A": {"Type": "Pass", "Assign": {"customerName": "María"}, "Next": "T"},
                "T": {"Type": "Task", "Resource": "greet", "End": true, "Arguments": {
                  "static": "Hello", "title": "{% $states.input.title %}", "name": "{% $customerName %}",
                  "not-evaluated": "$customerName"}}"""), "{\"title\": \"Doctor\"}", jsonata));
        AslTestSupport.Recorder jsonPath = new AslTestSupport.Recorder((res, in, ctx) -> in);
        ok(run("""
                {"StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Assign": {"customerName": "María"}, "Next": "T"},
                  "T": {"Type": "Task", "Resource": "greet", "End": true, "Parameters": {
                    "static": "Hello", "title.$": "$.title", "name.$": "$customerName",
                    "not-evaluated": "$customerName"}}}}""", "{\"title\": \"Doctor\"}", jsonPath));
        assertThat(jsonata.calls.get(0).input()).isEqualTo(expected);
        assertThat(jsonPath.calls.get(0).input()).isEqualTo(expected);
    }

    @Test
    void passOutputDefaultsToTheInputAndCanBeAnyJsonBuiltFromExpressions() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Pass", "End": true, "Output": {
                  "total": "{% $sum($states.input.items.price) %}",
                  "names": "{% $states.input.items.name %}",
                  "literal": [1, "two", {"three": "{% 1 + 2 %}"}]}}"""),
                "{\"items\": [{\"name\": \"pen\", \"price\": 1.5}, {\"name\": \"ink\", \"price\": 2}]}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("""
                {"total": 3.5, "names": ["pen", "ink"], "literal": [1, "two", {"three": 3}]}"""));
    }

    @Test
    void taskArgumentsGoToTheIntegrationAndOutputSeesTheResult() {
        AslTestSupport.Recorder plan = new AslTestSupport.Recorder((res, in, ctx) -> json("{\"changes\": 2}"));
        ExecutionResult r = ok(AslTestSupport.runner(plan).build().execute(
                fixture("jsonata-lambda.asl.json"), json("{\"environment\": \"dev\"}"), "t"));
        assertThat(plan.resources()).containsExactly("arn:aws:lambda:us-east-1:123456789012:function:plan");
        assertThat(plan.calls.get(0).input()).isEqualTo(json("{\"environment\": \"dev\"}"));
        assertThat(r.output()).isEqualTo(json("{\"changes\": 2}"));
    }

    @Test
    void taskOutputDefaultsToTheResultAndTimeoutSecondsMayBeAnExpression() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Task", "Resource": "r", "TimeoutSeconds": "{% $states.input.timeout %}", "End": true}"""),
                "{\"timeout\": 30}", (res, in, ctx) -> json("{\"done\": true}")));
        assertThat(r.output()).isEqualTo(json("{\"done\": true}"));
    }

    @Test
    void choiceConditionsPickTheFirstTrueRuleOrTheDefault() {
        String def = machine("""
                "A": {"Type": "Choice", "Default": "Other", "Choices": [
                   {"Condition": "{% $states.input.type = 'Private' %}", "Next": "Private"},
                   {"Condition": "{% $states.input.value >= 20 and $states.input.value < 30 %}", "Next": "Twenties"}]},
                "Private": {"Type": "Pass", "Output": "private", "End": true},
                "Twenties": {"Type": "Pass", "Output": "twenties", "End": true},
                "Other": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}""");
        assertThat(ok(run(def, "{\"type\": \"Private\", \"value\": 25}", NO_TASKS)).output().textValue()).isEqualTo("private");
        assertThat(ok(run(def, "{\"type\": \"Public\", \"value\": 25}", NO_TASKS)).output().textValue()).isEqualTo("twenties");
        assertThat(ok(run(def, "{\"type\": \"Public\", \"value\": 35}", NO_TASKS)).output())
                .isEqualTo(json("{\"type\": \"Public\", \"value\": 35}"));
    }

    @Test
    void aConditionThatIsNotABooleanIsAQueryEvaluationErrorAndNoMatchWithoutDefaultIsNoChoiceMatched() {
        ExecutionResult notBoolean = run(machine("""
                "A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.value %}", "Next": "B"}]},
                "B": {"Type": "Succeed"}"""), "{\"value\": 3}", NO_TASKS);
        assertThat(notBoolean.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(notBoolean.cause()).contains("must evaluate to a boolean");
        ExecutionResult none = run(machine("""
                "A": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.value > 5 %}", "Next": "B"}]},
                "B": {"Type": "Succeed"}"""), "{\"value\": 3}", NO_TASKS);
        assertThat(none.error()).isEqualTo("States.NoChoiceMatched");
    }

    @Test
    void waitSecondsAndTimestampMayBeExpressions() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "B"},
                "B": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "Next": "C", "Output": {"waited": true}},
                "C": {"Type": "Succeed", "Output": "{% $states.input.waited %}"}"""),
                "{\"delay\": 10, \"at\": \"2016-03-14T01:59:00Z\"}", NO_TASKS));
        assertThat(r.output().booleanValue()).isTrue();
        assertThat(r.events(HistoryEventType.WAIT_STARTED).get(0).details().get("seconds").doubleValue()).isEqualTo(10);
        ExecutionResult bad = run(machine("""
                "A": {"Type": "Wait", "Seconds": "{% $states.input.delay %}", "End": true}"""), "{\"delay\": \"soon\"}", NO_TASKS);
        assertThat(bad.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(bad.cause()).contains("Seconds must evaluate to a non-negative integer");
    }

    @Test
    void failErrorAndCauseMayBeExpressions() {
        ExecutionResult r = run(machine("""
                "A": {"Type": "Fail", "Error": "{% 'Layer.' & $states.input.layer %}",
                      "Cause": "{% 'plan of ' & $states.input.layer & ' failed' %}"}"""), "{\"layer\": \"vpc\"}", NO_TASKS);
        assertThat(r.error()).isEqualTo("Layer.vpc");
        assertThat(r.cause()).isEqualTo("plan of vpc failed");
    }

    @Test
    void parallelArgumentsFeedEveryBranchAndResultsAreInBranchOrder() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Parallel", "End": true, "Arguments": {"n": "{% $states.input.n %}"},
                  "Output": {"sum": "{% $sum($states.result) %}", "all": "{% $states.result %}"},
                  "Branches": [
                    {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "slow", "End": true,
                                                            "Output": "{% $states.result.n * 10 %}"}}},
                    {"StartAt": "Fast", "States": {"Fast": {"Type": "Pass", "Output": "{% $states.input.n %}", "End": true}}}]}"""),
                "{\"n\": 4, \"ignored\": true}", (res, in, ctx) -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return in;
                }));
        assertThat(r.output()).isEqualTo(json("{\"sum\": 44, \"all\": [40, 4]}"));
    }

    @Test
    void mapItemsItemSelectorAndMaxConcurrencyAreExpressionsAndResultsKeepTheItemsOrder() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Map", "End": true,
                  "Items": "{% $states.input.orders[status = 'open'] %}",
                  "MaxConcurrency": "{% $states.input.limit %}",
                  "ItemSelector": {"index": "{% $states.context.Map.Item.Index %}",
                                   "id": "{% $states.context.Map.Item.Value.id %}",
                                   "customer": "{% $states.input.customer %}"},
                  "ItemProcessor": {"StartAt": "Ship", "States": {
                    "Ship": {"Type": "Task", "Resource": "ship", "End": true}}},
                  "Output": "{% $states.result %}"}"""),
                """
                {"customer": "c1", "limit": 2, "orders": [{"id": "o1", "status": "open"}, {"id": "o2", "status": "done"},
                 {"id": "o3", "status": "open"}, {"id": "o4", "status": "open"}]}""", (res, in, ctx) -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(in.get("index").intValue() == 0 ? 200 : 50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return in;
                }));
        assertThat(r.output()).isEqualTo(json("""
                [{"index": 0, "id": "o1", "customer": "c1"}, {"index": 1, "id": "o3", "customer": "c1"},
                 {"index": 2, "id": "o4", "customer": "c1"}]"""));
        assertThat(most.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void mapItemsDefaultToTheInputAndMustBeAnArray() {
        assertThat(ok(run(machine("""
                "A": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Double", "States": {
                  "Double": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": true}}}}"""),
                "[1, 2, 3]", NO_TASKS)).output()).isEqualTo(json("[2, 4, 6]"));
        ExecutionResult r = run(machine("""
                "A": {"Type": "Map", "End": true, "Items": "{% $states.input.x %}", "ItemProcessor": {"StartAt": "P",
                  "States": {"P": {"Type": "Pass", "End": true}}}}"""), "{\"x\": {\"not\": \"an array\"}}", NO_TASKS);
        assertThat(r.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(r.cause()).contains("Items must be a JSON array, got an object");
    }

    @Test
    void catchOutputDefaultsToTheErrorOutputAndMaySeeStatesErrorOutputAndInput() {
        ExecutionResult byDefault = ok(run(machine("""
                "A": {"Type": "Task", "Resource": "r", "End": true,
                      "Catch": [{"ErrorEquals": ["Layer.Broken"], "Next": "B"}]},
                "B": {"Type": "Pass", "End": true}"""), "{\"env\": \"dev\"}", (res, in, ctx) -> {
            throw new TaskFailedException("Layer.Broken", "vpc plan failed");
        }));
        assertThat(byDefault.output()).isEqualTo(json("{\"Error\": \"Layer.Broken\", \"Cause\": \"vpc plan failed\"}"));
        ExecutionResult shaped = ok(run(machine("""
                "A": {"Type": "Task", "Resource": "r", "End": true,
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B",
                                 "Output": {"env": "{% $states.input.env %}", "why": "{% $states.errorOutput.Cause %}"},
                                 "Assign": {"lastError": "{% $states.errorOutput.Error %}"}}]},
                "B": {"Type": "Pass", "End": true, "Output": {"env": "{% $states.input.env %}", "error": "{% $lastError %}"}}"""),
                "{\"env\": \"dev\"}", (res, in, ctx) -> {
                    throw new TaskFailedException("Layer.Broken", "vpc plan failed");
                }));
        assertThat(shaped.output()).isEqualTo(json("{\"env\": \"dev\", \"error\": \"Layer.Broken\"}"));
    }

    @Test
    void retryThenCatchWithErrorNamesWorksAsInJsonPath() {
        AtomicInteger attempts = new AtomicInteger();
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Task", "Resource": "r", "End": true,
                      "Arguments": {"attempt": "{% $states.context.State.RetryCount %}"},
                      "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "B"}]},
                "B": {"Type": "Pass", "End": true}"""), "{}", (res, in, ctx) -> {
            attempts.incrementAndGet();
            throw new TaskFailedException("Throttled", "attempt " + in.get("attempt"));
        }));
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(r.output().get("Cause").textValue()).isEqualTo("attempt 2");
    }

    @Test
    void aFailingExpressionRaisesStatesQueryEvaluationErrorWhichCatchCanHandle() {
        ExecutionResult uncaught = run(machine("""
                "A": {"Type": "Pass", "Output": "{% $states.input.name + 1 %}", "End": true}"""), "{\"name\": \"x\"}", NO_TASKS);
        assertThat(uncaught.error()).isEqualTo("States.QueryEvaluationError");
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Task", "Resource": "r", "Arguments": "{% $states.input.name + 1 %}", "End": true,
                      "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "B"}]},
                "B": {"Type": "Pass", "End": true}"""), "{\"name\": \"x\"}", NO_TASKS));
        assertThat(r.output().get("Error").textValue()).isEqualTo("States.QueryEvaluationError");
        assertThat(r.output().get("Cause").textValue()).contains("$states.input.name + 1");
        ExecutionResult undefined = run(machine("""
                "A": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": true}"""), "{}", NO_TASKS);
        assertThat(undefined.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(undefined.cause()).isEqualTo(
                "The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).");
        // As AWS reports it for a nested field: "...specified for the field 'Arguments/Input/pushLocation'...".
        ExecutionResult nested = run(machine("""
                "A": {"Type": "Task", "Resource": "r", "End": true,
                      "Arguments": {"Input": {"list": [1, "{% $states.input.pushLocation %}"]}}}"""), "{}", NO_TASKS);
        assertThat(nested.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(nested.cause()).isEqualTo("The JSONata expression '$states.input.pushLocation' specified for the"
                + " field 'Arguments/Input/list[1]' returned nothing (undefined).");
    }

    @Test
    void theFunctionsStepFunctionsAddsToJsonata() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Pass", "End": true, "Output": {
                  "partition": "{% $partition([1,2,3,4,5], 2) %}",
                  "range": "{% $range(0, 10, 3) %}",
                  "hash": "{% $hash('input data', 'SHA-1') %}",
                  "random": "{% $random() %}",
                  "seeded": "{% $random(42) = $random(42) %}",
                  "uuid": "{% $uuid() %}",
                  "parsed": "{% $parse('{\\"a\\": [1, true]}') %}"}}"""), "{}", NO_TASKS));
        JsonNode o = r.output();
        assertThat(o.get("partition")).isEqualTo(json("[[1, 2], [3, 4], [5]]"));
        assertThat(o.get("range")).isEqualTo(json("[0, 3, 6, 9]"));
        assertThat(o.get("hash").textValue()).isEqualTo("aaff4a450a104cd177d28d18d74485e8cae074b7");
        assertThat(o.get("random").doubleValue()).isBetween(0.0, 1.0);
        assertThat(o.get("seeded").booleanValue()).isTrue();
        assertThat(UUID.fromString(o.get("uuid").textValue()).version()).isEqualTo(4);
        assertThat(o.get("parsed")).isEqualTo(json("{\"a\": [1, true]}"));
    }

    @Test
    void theContextObjectIsStatesContext() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Pass", "End": true, "Output": {
                  "input": "{% $states.context.Execution.Input %}", "state": "{% $states.context.State.Name %}",
                  "name": "{% $states.context.Execution.Name %}"}}"""), "{\"x\": 1}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("{\"input\": {\"x\": 1}, \"state\": \"A\", \"name\": \"test\"}"));
    }

    @Test
    void aJsonataStateRunsInsideAJsonPathStateMachine() {
        ExecutionResult r = ok(run("""
                {"StartAt": "Path", "States": {
                  "Path": {"Type": "Pass", "Parameters": {"n.$": "$.value"}, "Next": "Ata"},
                  "Ata": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.n * 2 %}", "End": true}}}""",
                "{\"value\": 21}", NO_TASKS));
        assertThat(r.output().intValue()).isEqualTo(42);
    }

    @Test
    void executionInputMayBeAnyJsonValueInBothLanguages() {
        for (String input : new String[]{"\"text\"", "42", "[1, 2]", "null", "true"}) {
            ExecutionResult jsonata = ok(run(machine("""
                    "A": {"Type": "Pass", "Output": {"got": "{% $states.input %}"}, "End": true}"""), input, NO_TASKS));
            assertThat(jsonata.output().get("got")).as(input).isEqualTo(json(input));
            ExecutionResult jsonPath = ok(run("""
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"got.$": "$"}, "End": true}}}""",
                    input, NO_TASKS));
            assertThat(jsonPath.output().get("got")).as(input).isEqualTo(json(input));
        }
    }

    @Test
    void aFailingMapIterationFailsTheMapWithItsErrorWhichItsCatchHandles() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Map", "Items": "{% $states.input.layers %}", "Next": "Done",
                  "ItemProcessor": {"StartAt": "Check", "States": {
                    "Check": {"Type": "Choice", "Default": "Ok",
                              "Choices": [{"Condition": "{% $states.input = 'eks' %}", "Next": "Broken"}]},
                    "Broken": {"Type": "Fail", "Error": "Layer.Broken", "Cause": "{% 'layer ' & $states.input %}"},
                    "Ok": {"Type": "Succeed"}}},
                  "Catch": [{"ErrorEquals": ["Layer.Broken"], "Next": "Recover",
                             "Output": {"failed": "{% $states.errorOutput %}", "layers": "{% $states.input.layers %}"}}]},
                "Done": {"Type": "Succeed"},
                "Recover": {"Type": "Succeed"}"""), "{\"layers\": [\"vpc\", \"eks\", \"rds\"]}", NO_TASKS));
        assertThat(r.statesEntered()).contains("Recover").doesNotContain("Done");
        assertThat(r.output()).isEqualTo(json("""
                {"failed": {"Error": "Layer.Broken", "Cause": "layer eks"}, "layers": ["vpc", "eks", "rds"]}"""));
    }

    @Test
    void aRetriedParallelStateRunsItsBranchesAgainAndAssignsFromTheResult() {
        AtomicInteger flaky = new AtomicInteger();
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Parallel", "Next": "B",
                  "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                  "Assign": {"first": "{% $states.result[0] %}"},
                  "Branches": [
                    {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "flaky", "End": true}}},
                    {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "steady", "End": true}}}]},
                "B": {"Type": "Pass", "End": true, "Output": {"first": "{% $first %}", "all": "{% $states.input %}"}}"""),
                "{}", (res, in, ctx) -> {
                    if (flaky.incrementAndGet() == 1) {
                        throw new TaskFailedException("Flaky", "first attempt");
                    }
                    return json("\"flaky ok\"");
                }));
        assertThat(flaky.get()).isEqualTo(2);
        assertThat(r.output()).isEqualTo(json("{\"first\": \"flaky ok\", \"all\": [\"flaky ok\", \"steady\"]}"));
    }

    @Test
    void theAllStatesFixtureRunsEachPathItCanTake() {
        TaskDispatcher tasks = (resource, in, ctx) -> switch (resource) {
            case "arn:aws:lambda:us-east-1:123456789012:function:plan" -> in.get("environment").textValue().equals("broken")
                    ? failTask() : json("{\"changes\": [\"vpc\", \"eks\", \"rds\"]}");
            case "arn:aws:lambda:us-east-1:123456789012:function:apply" -> json("{\"applied\": \"" + in.get("change").textValue()
                    + "@" + in.get("environment").textValue() + "#" + in.get("index") + "\"}");
            default -> throw new AssertionError(resource);
        };
        ExecutionResult applied = ok(AslTestSupport.runner(tasks).build().execute(fixture("jsonata-all-states.asl.json"),
                json("{\"environment\": \"dev\", \"layers\": [\"vpc\"]}"), "t"));
        assertThat(applied.output()).isEqualTo(json("""
                {"count": 3, "names": "vpc@dev#0,eks@dev#1,rds@dev#2", "environment": "dev"}"""));
        assertThat(applied.events(HistoryEventType.WAIT_STARTED).get(0).details().get("seconds").doubleValue()).isEqualTo(3);

        ExecutionResult failed = AslTestSupport.runner(tasks).build().execute(fixture("jsonata-all-states.asl.json"),
                json("{\"environment\": \"broken\", \"layers\": []}"), "t");
        assertThat(failed.statesEntered()).containsExactly("Start", "Plan", "Failed");
        assertThat(failed.error()).isEqualTo("Plan.Broken");
        assertThat(failed.cause()).isEqualTo("plan failed: no plan for broken");
    }

    private static JsonNode failTask() throws TaskFailedException {
        throw new TaskFailedException("Plan.Broken", "no plan for broken");
    }

    @Test
    void theAddedFunctionsTruncateNumbersAndReturnNothingForSomeArgumentsAsAwsDoes() {
        ExecutionResult r = ok(run(machine("""
                "A": {"Type": "Pass", "End": true, "Output": {
                  "range": "{% $range(-1.7, 2, 1) %}",
                  "single": "{% $range(5, 5, 1) %}",
                  "chunks": "{% $partition([1,2,3,4,5], 2.9) %}",
                  "wrongWay": "{% $exists($range(5, 1, 1)) %}",
                  "noAlgorithm": "{% $exists($hash('x')) %}",
                  "emptyChunks": "{% $exists($partition([], 2)) %}"}}"""), "{}", NO_TASKS));
        assertThat(r.output()).isEqualTo(json("""
                {"range": [-1, 0, 1, 2], "single": 5, "chunks": [[1, 2], [3, 4], [5]], "wrongWay": false,
                 "noAlgorithm": false, "emptyChunks": false}"""));
        ExecutionResult eval = run(machine("""
                "A": {"Type": "Pass", "End": true, "Output": "{% $eval('1 + 1') %}"}"""), "{}", NO_TASKS);
        assertThat(eval.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(eval.cause()).contains("Step Functions disables $eval");
    }

    @Test
    void errorsNameTheFieldAsAwsDoesForChoiceRulesAndCatchers() {
        ExecutionResult rule = run(machine("""
                "A": {"Type": "Choice", "Default": "B",
                      "Choices": [{"Condition": "{% true %}", "Next": "B", "Output": {"v": "{% $states.input.absent %}"}}]},
                "B": {"Type": "Succeed"}"""), "{}", NO_TASKS);
        assertThat(rule.cause()).isEqualTo("The JSONata expression '$states.input.absent' specified for the field"
                + " 'Choices[0]/Output/v' returned nothing (undefined).");
        ExecutionResult catcher = run(machine("""
                "A": {"Type": "Task", "Resource": "r", "End": true,
                      "Catch": [{"ErrorEquals": ["Nope"], "Next": "B"},
                                {"ErrorEquals": ["States.ALL"], "Next": "B", "Assign": {"x": "{% $states.input.absent %}"}}]},
                "B": {"Type": "Succeed"}"""), "{}", (res, in, ctx) -> {
            throw new TaskFailedException("Boom", "x");
        });
        assertThat(catcher.cause()).isEqualTo("The JSONata expression '$states.input.absent' specified for the field"
                + " 'Catch[1]/Assign/x' returned nothing (undefined).");
    }
}
