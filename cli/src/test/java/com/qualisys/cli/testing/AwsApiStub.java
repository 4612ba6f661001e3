package com.qualisys.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.ApiCallCounter;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback AWS endpoint for the real SDK clients, on the shared {@link AwsApiFrontDoor}: answers
 * the operations a test registers (with the response shapes the AWS API reference documents),
 * forwards everything else to moto when asked to, and records every call as "service.Operation"
 * (service from the SigV4 credential scope, operation from X-Amz-Target or the Query Action).
 */
public final class AwsApiStub implements AwsApiFrontDoor.Responder, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/[^/]+/([^/]+)/aws4_request");
    /** Where the front door would forward; never reached when the stub answers everything. */
    private static final String NOWHERE = "http://127.0.0.1:9";

    /** One request as the SDK sent it. */
    public record Call(String service, String operation, String method, byte[] body) {
        public String name() {
            return service + "." + operation;
        }

        public JsonNode json() {
            try {
                return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("request body is not JSON: " + e.getMessage());
            }
        }

        /** Mutating as the control plane counts it (not Describe/List/Get/...); S3 by HTTP method. */
        public boolean mutating() {
            if (service.equals("s3")) return !(method.equals("GET") || method.equals("HEAD"));
            return ApiCallCounter.isMutating(operation);
        }
    }

    /** What to write back. */
    public record Answer(int status, String contentType, byte[] body) {
        /** AWS JSON 1.0, the protocol of Step Functions. */
        public static Answer json(Object body) {
            try {
                return new Answer(200, "application/x-amz-json-1.0", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A JSON-protocol error: HTTP 400, {"__type": type, "message": message}. */
        public static Answer jsonError(String type, String message) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("__type", type);
            body.put("message", message);
            Answer a = json(body);
            return new Answer(400, a.contentType(), a.body());
        }

        public static Answer xml(String xml) {
            return new Answer(200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final boolean forward;
    private final AwsApiFrontDoor door;
    private final Map<String, Function<Call, Answer>> handlers = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private AwsApiStub(String upstream) {
        this.forward = upstream != null;
        this.door = AwsApiFrontDoor.start(forward ? upstream : NOWHERE, this);
    }

    /** Answers only what is registered; anything else is an UnknownOperationException. */
    public static AwsApiStub start() {
        return new AwsApiStub(null);
    }

    /** Answers what is registered and forwards the rest to the upstream endpoint (moto). */
    public static AwsApiStub start(String upstreamEndpoint) {
        return new AwsApiStub(upstreamEndpoint);
    }

    public String endpoint() {
        return door.endpoint();
    }

    /** Registers the answer to "service.Operation", e.g. "states.GetExecutionHistory". */
    public AwsApiStub on(String name, Function<Call, Answer> handler) {
        handlers.put(name, handler);
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String name) {
        return calls.stream().filter(c -> c.name().equals(name)).toList();
    }

    /** STS GetCallerIdentity as documented (Query protocol, XML). */
    public AwsApiStub callerIdentity(String arn, String account) {
        return on("sts.GetCallerIdentity", c -> Answer.xml("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>AROAEXAMPLEID:alice</UserId><Account>" + account
                + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef"
                + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>"));
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        Call call = new Call(service(request.headers()), operation(request), request.method(), request.body());
        calls.add(call);
        Function<Call, Answer> handler = handlers.get(call.name());
        Answer a = handler != null ? handler.apply(call)
                : forward ? null : Answer.jsonError("UnknownOperationException", "the stub does not answer " + call.name());
        return a == null ? Optional.empty() : Optional.of(new StubResponse(a.status(), a.contentType(), a.body()));
    }

    private static String service(Map<String, List<String>> headers) {
        String auth = first(headers, "Authorization");
        Matcher m = auth == null ? null : SCOPE.matcher(auth);
        return m != null && m.find() ? m.group(1) : "unknown";
    }

    private static String operation(StubRequest request) {
        String target = request.target();
        if (!target.isEmpty()) return target.substring(target.indexOf('.') + 1);
        for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
            if (pair.startsWith("Action=")) return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
        }
        return request.method();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
        }
        return null;
    }

    @Override
    public void close() {
        door.close();
    }
}
