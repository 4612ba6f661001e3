package com.qualisys.cli.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.asl.TaskContext;
import com.qualisys.asl.TaskDispatcher;
import com.qualisys.asl.TaskFailedException;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Runs Task states in-process: Lambda resources go to the Java handlers, the SNS and
 * EventBridge integrations to the real SDK clients. A handler's exception fails the task with
 * the exception's class name as the error, as the Java Lambda runtime reports it.
 */
public final class LocalDispatcher implements TaskDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ControlPlane controlPlane;
    private final AwsClients aws;
    private final Map<FunctionCatalog, RequestHandler<Map<String, Object>, Map<String, Object>>> handlers = new ConcurrentHashMap<>();

    public LocalDispatcher(ControlPlane controlPlane, AwsClients aws) {
        this.controlPlane = controlPlane;
        this.aws = aws;
    }

    @Override
    public JsonNode invoke(String resource, JsonNode input, TaskContext ctx) throws TaskFailedException {
        return switch (resource) {
            case "arn:aws:states:::sns:publish" -> publish(input);
            case "arn:aws:states:::events:putEvents" -> putEvents(input);
            default -> invokeFunction(resource, input);
        };
    }

    @SuppressWarnings("unchecked")
    private JsonNode invokeFunction(String resource, JsonNode input) throws TaskFailedException {
        FunctionCatalog function = LocalFunctions.byArn(resource).orElseThrow(() -> new TaskFailedException(
                "States.TaskFailed", "no local function or integration for resource " + resource));
        RequestHandler<Map<String, Object>, Map<String, Object>> handler = handlers.computeIfAbsent(function,
                f -> LocalFunctions.handler(f, controlPlane).orElse(null));
        if (handler == null) {
            throw new TaskFailedException("States.TaskFailed", "function " + function.functionName() + " (" + function.handler()
                    + ") is not part of this build");
        }
        try {
            Map<String, Object> result = handler.handleRequest(JSON.convertValue(input, Map.class), null);
            return JSON.valueToTree(result);
        } catch (RuntimeException e) {
            throw new TaskFailedException(e.getClass().getName(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    private JsonNode publish(JsonNode p) throws TaskFailedException {
        String topic = p.path("TopicArn").asText(null);
        if (topic == null || topic.equals("null")) throw new TaskFailedException("SNS.InvalidParameterException", "TopicArn is required");
        String id = aws.sns().publish(r -> r.topicArn(topic).message(text(p.get("Message")))
                .subject(p.hasNonNull("Subject") ? p.get("Subject").asText() : null)).messageId();
        return JSON.createObjectNode().put("MessageId", id);
    }

    private JsonNode putEvents(JsonNode p) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (JsonNode e : p.path("Entries")) {
            entries.add(PutEventsRequestEntry.builder().eventBusName(e.path("EventBusName").asText("default"))
                    .source(e.path("Source").asText()).detailType(e.path("DetailType").asText())
                    .detail(text(e.get("Detail"))).build());
        }
        var response = aws.eventBridge().putEvents(r -> r.entries(entries));
        return JSON.createObjectNode().put("FailedEntryCount", response.failedEntryCount());
    }

    private static String text(JsonNode node) {
        return node == null ? "" : node.isTextual() ? node.asText() : node.toString();
    }
}
