package com.qualisys.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.ApiCallCounter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback AWS endpoint for the real SDK clients: answers the operations a test registers
 * (with the response shapes the AWS API reference documents), forwards everything else to an
 * upstream emulator when one is given, and records every call as "service.Operation" (service
 * from the SigV4 credential scope, operation from X-Amz-Target or the Query Action).
 */
public final class AwsApiStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/[^/]+/([^/]+)/aws4_request");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    /** One request as the SDK sent it. */
    public record Call(String service, String operation, String method, Map<String, List<String>> headers, byte[] body) {
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
        /** AWS JSON 1.0 (Step Functions, DynamoDB). */
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
            try {
                return new Answer(400, "application/x-amz-json-1.0", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public static Answer xml(String xml) {
            return new Answer(200, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final URI upstream;
    private final Map<String, Function<Call, Answer>> handlers = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

    private AwsApiStub(URI upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers only what is registered; anything else is an UnknownOperationException. */
    public static AwsApiStub start() {
        return start(null);
    }

    /** Answers what is registered and forwards the rest to the upstream endpoint. */
    public static AwsApiStub start(String upstreamEndpoint) {
        try {
            return new AwsApiStub(upstreamEndpoint == null ? null : URI.create(upstreamEndpoint));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port: " + e.getMessage(), e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, List<String>> headers = exchange.getRequestHeaders();
            Call call = new Call(service(headers), operation(exchange.getRequestMethod(), headers, body), exchange.getRequestMethod(),
                    Map.copyOf(headers), body);
            calls.add(call);
            Function<Call, Answer> handler = handlers.get(call.name());
            if (handler != null) {
                Answer a = handler.apply(call);
                write(exchange, a.status(), Map.of("Content-Type", List.of(a.contentType())), a.body());
            } else if (upstream != null) {
                forward(exchange, body);
            } else {
                Answer a = Answer.jsonError("UnknownOperationException", "the stub does not answer " + call.name());
                write(exchange, a.status(), Map.of("Content-Type", List.of(a.contentType())), a.body());
            }
        } catch (RuntimeException e) {
            byte[] msg = ("stub failed: " + e).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, msg.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(msg);
            }
        }
    }

    private static String service(Map<String, List<String>> headers) {
        String auth = first(headers, "Authorization");
        Matcher m = auth == null ? null : SCOPE.matcher(auth);
        return m != null && m.find() ? m.group(1) : "unknown";
    }

    private static String operation(String method, Map<String, List<String>> headers, byte[] body) {
        String target = first(headers, "X-Amz-Target");
        if (target != null) return target.substring(target.indexOf('.') + 1);
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.startsWith("Action=")) return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
        }
        return method;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
        }
        return null;
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        URI uri = exchange.getRequestURI();
        URI target = upstream.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> b.header(name, v));
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        write(exchange, response.statusCode(), response.headers().map(), response.body());
    }

    private static void write(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body) throws IOException {
        headers.forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) exchange.getResponseHeaders().put(name, values);
        });
        boolean noBody = exchange.getRequestMethod().equalsIgnoreCase("HEAD") || status == 204 || status == 304 || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
