package com.qualisys.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared helpers of the runner's tests. */
final class AslTestSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Dummy values for every ${...} placeholder the fixtures under resources/asl use. */
    static final Map<String, String> FIXTURE_SUBSTITUTIONS = Map.of(
            "DeployFn", "arn:aws:lambda:us-east-1:123456789012:function:deploy",
            "CleanupFn", "arn:aws:lambda:us-east-1:123456789012:function:cleanup",
            "PlanFn", "arn:aws:lambda:us-east-1:123456789012:function:plan",
            "ApplyFn", "arn:aws:lambda:us-east-1:123456789012:function:apply",
            "RequestApprovalFn", "arn:aws:lambda:us-east-1:123456789012:function:request-approval",
            "StartFn", "arn:aws:lambda:us-east-1:123456789012:function:start",
            "StatusFn", "arn:aws:lambda:us-east-1:123456789012:function:status",
            "ReportBucket", "qualisys-reports",
            "TopicArn", "arn:aws:sns:us-east-1:123456789012:qualisys-drift");

    private AslTestSupport() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A definition under src/test/resources/asl/. */
    static String fixtureText(String name) {
        return resourceText("/asl/" + name);
    }

    static String resourceText(String path) {
        try (InputStream in = AslTestSupport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StateMachineDefinition fixture(String name) {
        return StateMachineDefinition.parse(fixtureText(name), FIXTURE_SUBSTITUTIONS)
                .withName(name.replace(".asl.json", ""));
    }

    /** A runner that does not wait (waitScale 0). */
    static LocalRunner.Builder runner(TaskDispatcher dispatcher) {
        return LocalRunner.builder().dispatcher(dispatcher).waitScale(0);
    }

    static ExecutionResult run(String definition, String input, TaskDispatcher dispatcher) {
        return runner(dispatcher).build().execute(StateMachineDefinition.parse(definition), json(input), "test");
    }

    static final TaskDispatcher NO_TASKS = (resource, in, ctx) -> {
        throw new AssertionError("no task expected, got " + resource);
    };

    /** One dispatcher call as seen by a {@link Recorder}. */
    record Call(String resource, JsonNode input, TaskContext ctx) {
    }

    /** A dispatcher that records its calls and answers with a function. */
    static final class Recorder implements TaskDispatcher {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        private final TaskDispatcher answer;

        Recorder(TaskDispatcher answer) {
            this.answer = answer;
        }

        @Override
        public JsonNode invoke(String resource, JsonNode input, TaskContext ctx) throws TaskFailedException {
            calls.add(new Call(resource, input, ctx));
            return answer.invoke(resource, input, ctx);
        }

        List<String> resources() {
            return calls.stream().map(Call::resource).toList();
        }
    }
}
