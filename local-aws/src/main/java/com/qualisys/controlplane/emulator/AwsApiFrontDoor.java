package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A loopback HTTP endpoint in front of the emulator, for operations the emulator lacks: each
 * request is offered to the {@link Responder}s (stubs answering with the response shapes the AWS
 * API reference documents); a request none of them takes is forwarded to moto unchanged. The real
 * SDK clients point at this endpoint, so the code under test cannot tell which part answered.
 */
public final class AwsApiFrontDoor implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern SIGNING_SCOPE = java.util.regex.Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
    /** moto's account for an access key that is not 12 digits. */
    public static final String DEFAULT_ACCOUNT = "123456789012";
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    /** Answers the requests it implements; empty means "not mine, forward it". */
    public interface Responder {
        Optional<StubResponse> answer(StubRequest request);

        /**
         * For responders that also need the emulator: to complete a request it handles differently
         * from AWS, or to lay documented fields it drops over its answer. By default only
         * {@link #answer(StubRequest)} is asked.
         */
        default Optional<StubResponse> answer(StubRequest request, Upstream emulator) {
            return answer(request);
        }
    }

    /**
     * Told of every request once it is answered (by a responder or by the emulator), with the
     * caller's address: an audit trail such as {@link CloudTrailEmulator}.
     */
    public interface Observer {
        void answered(StubRequest request, int status, String sourceIp, Upstream emulator);
    }

    /** Sends a request on to the emulator and returns its answer. */
    public interface Upstream {
        StubResponse forward(StubRequest request);
    }

    /** A request as the SDK sent it. */
    public record StubRequest(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        /** The signing name of the service the request is for ("eks", "rds"), from its Authorization header. */
        public String service() {
            for (var e : headers.entrySet()) {
                if (!e.getKey().equalsIgnoreCase("Authorization") || e.getValue().isEmpty()) continue;
                java.util.regex.Matcher m = SIGNING_SCOPE.matcher(e.getValue().get(0));
                if (m.find()) return m.group(1);
            }
            return "";
        }

        /**
         * The account the caller acts in, the way moto decides it: its x-moto-account-id header, else
         * moto's default account. Stubs scope their state by it.
         */
        public String callerAccount() {
            String account = header("x-moto-account-id");
            return account != null ? account : DEFAULT_ACCOUNT;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public StubRequest withBody(String text) {
            return new StubRequest(method, uri, headers, text.getBytes(StandardCharsets.UTF_8));
        }

        /** The same request with another method and path (and no query or body): a read the responder needs. */
        public StubRequest get(String path) {
            return new StubRequest("GET", uri.resolve(path), headers, new byte[0]);
        }

        /** A query parameter, decoded (its first value when repeated); empty when absent. */
        public Optional<String> queryParam(String name) {
            return queryParams(name).stream().findFirst();
        }

        /** Every value of a repeated query parameter (UntagResource's tagKeys), decoded, in order. */
        public List<String> queryParams(String name) {
            String query = uri.getRawQuery();
            List<String> out = new java.util.ArrayList<>();
            if (query == null) return out;
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (k.equals(name)) out.add(eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return out;
        }

        /** What makes this request the same request when sent again: account, method, path, query and body. */
        public String identity() {
            try {
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                sha.update((callerAccount() + " " + method + " " + uri).getBytes(StandardCharsets.UTF_8));
                sha.update(body);
                return java.util.HexFormat.of().formatHex(sha.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A header's first value, or null. */
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
            }
            return null;
        }

        /** The JSON-protocol operation, e.g. "AWSBudgetServiceGateway.CreateBudget"; empty for other protocols. */
        public String target() {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase("X-Amz-Target") && !e.getValue().isEmpty()) return e.getValue().get(0);
            }
            return "";
        }

        public JsonNode json() {
            try {
                return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("request body is not JSON: " + e.getMessage());
            }
        }
    }

    /** A response to write back; headers are extra ones (moto's error type, request id) when forwarded. */
    public record StubResponse(int status, String contentType, byte[] body, Map<String, List<String>> headers) {
        public StubResponse(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public StubResponse withBody(String text) {
            return new StubResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), headers);
        }

        public static StubResponse json(int status, Object body) {
            try {
                return new StubResponse(status, "application/x-amz-json-1.1", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An AWS JSON-protocol error: HTTP 400 with {"__type": ..., "Message": ...}. */
        public static StubResponse jsonError(String type, String message) {
            return json(400, Map.of("__type", type, "Message", message));
        }
    }

    /** The header the front door's clients name each call's operation in ("Ec2.CreateVpc"), for fault rules. */
    static final String OPERATION_HEADER = "x-qualisys-operation";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Faults faults = new Faults();
    private final ClientTokens clientTokens = new ClientTokens();
    private final URI upstream;
    private final List<Responder> responders;
    private final List<Observer> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** moto's account of each access key the front door has seen (assumed-role keys act in the role's account). */
    private final Map<String, String> accountByAccessKey = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

    private AwsApiFrontDoor(URI upstream, List<Responder> responders) throws IOException {
        this.upstream = upstream;
        this.responders = List.copyOf(responders);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** In front of the shared moto server. */
    public static AwsApiFrontDoor inFrontOfMoto(Responder... responders) {
        MotoServer moto = MotoServer.shared();
        return start(moto.endpoint(), responders).observe(moto.accountCounter());
    }

    public static AwsApiFrontDoor start(String upstreamEndpoint, Responder... responders) {
        try {
            return new AwsApiFrontDoor(URI.create(upstreamEndpoint), List.of(responders));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port: " + e.getMessage(), e);
        }
    }

    /** Adds an observer of every answered request. */
    public AwsApiFrontDoor observe(Observer observer) {
        observers.add(observer);
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Forgets the client tokens seen (with a reset of the emulator's state). */
    public void forgetClientTokens() {
        clientTokens.clear();
    }

    /** The faults this front door injects (none until a test adds rules). */
    public Faults faults() {
        return faults;
    }

    /** Real SDK clients pointed at this front door, with the emulator's test credentials. */
    public AwsClients clients(ExecutionInterceptor... interceptors) {
        AwsClients.Builder b = AwsClients.builder().region(MotoServer.REGION).endpoint(endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .interceptor(new ExecutionInterceptor() {
                    @Override
                    public software.amazon.awssdk.http.SdkHttpRequest modifyHttpRequest(
                            software.amazon.awssdk.core.interceptor.Context.ModifyHttpRequest context,
                            software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        return context.httpRequest().toBuilder()
                                .putHeader(OPERATION_HEADER, com.qualisys.controlplane.aws.ApiCallCounter.name(attributes)).build();
                    }
                });
        for (ExecutionInterceptor i : interceptors) b.interceptor(i);
        return b.build();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            StubRequest request = nameCallerAccount(new StubRequest(exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRequestHeaders(), body));
            Faults.Rule fault = faults.decide(request.header(OPERATION_HEADER), request.identity());
            if (fault != null) {
                switch (fault.kind()) {
                    case THROTTLING -> {
                        writeError(exchange, request, 429, "ThrottlingException", "Rate exceeded (injected)");
                        return;
                    }
                    case SERVER_ERROR -> {
                        writeError(exchange, request, 503, "ServiceUnavailable", "Service unavailable (injected)");
                        return;
                    }
                    case SLOW -> sleep(fault.delay());
                    case LOST_RESPONSE -> { } // carried out below, then its answer is lost
                }
            }
            Optional<String> tokenKey = clientTokens.key(request);
            Optional<ClientTokens.Remembered> earlier = tokenKey.flatMap(clientTokens::earlier);
            if (earlier.isPresent()) {
                // AWS answers a repeat with the first result, and a token reused for another request with an error.
                if (earlier.get().requestIdentity().equals(request.identity())) {
                    write(exchange, earlier.get().status(), earlier.get().headers(), earlier.get().body());
                } else {
                    writeError(exchange, request, 400, "IdempotentParameterMismatch",
                            "The client token was already used for a request with other parameters");
                }
                return;
            }
            Answer answer = respondAtomically(request);
            rememberAssumedRoleKey(request, answer);
            // Observed before the caller has its answer: whatever it does next sees the record.
            String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
            for (Observer o : observers) o.answered(request, answer.status(), sourceIp, this::forward);
            if (fault != null && fault.kind() == Faults.Kind.LOST_RESPONSE) {
                if (tokenKey.isPresent()) clientTokens.remember(tokenKey.get(), request, answer.status(), answer.headers(), answer.body());
                writeError(exchange, request, 500, "InternalFailure", "The answer was lost (injected) after the request was carried out");
                return;
            }
            write(exchange, answer.status(), answer.headers(), answer.body());
        } catch (RuntimeException e) {
            byte[] msg = ("front door failed: " + e).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, msg.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(msg);
            }
        }
    }

    private static final java.util.regex.Pattern ACCESS_KEY = java.util.regex.Pattern.compile("Credential=([^/]+)/");
    private static final java.util.regex.Pattern ACCOUNT = java.util.regex.Pattern.compile("<Account>(\\d{12})</Account>");

    /**
     * Names the account the caller acts in on the request ({@code x-moto-account-id}), as moto decides it from the
     * access key: credentials from AssumeRole act in the role's account. The stubs scope their state by it
     * ({@link StubRequest#callerAccount()}), so an environment reached through its execution role keeps its budgets,
     * anomaly monitors, EKS add-ons and RDS instances in its own account, as moto does with what it implements.
     */
    private StubRequest nameCallerAccount(StubRequest request) {
        if (request.header("x-moto-account-id") != null) return request;
        String authorization = request.header("Authorization");
        java.util.regex.Matcher key = ACCESS_KEY.matcher(authorization == null ? "" : authorization);
        if (!key.find()) return request;
        String account = accountByAccessKey.computeIfAbsent(key.group(1), k -> askAccount(request, authorization));
        if (account == null) return request;
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.headers());
        headers.put("x-moto-account-id", List.of(account));
        return new StubRequest(request.method(), request.uri(), headers, request.body());
    }

    private static final java.util.regex.Pattern ISSUED_KEY = java.util.regex.Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");
    private static final java.util.regex.Pattern ASSUMED_ROLE_ACCOUNT = java.util.regex.Pattern.compile("<Arn>arn:[^:]+:sts::(\\d{12}):assumed-role/");

    /**
     * Credentials from AssumeRole act in the role's account (the assumed role's ARN names it): the front door notes
     * that from the answer, so it need not ask moto about the new key. An account-less question costs moto a search
     * of every account it has seen, building the IAM of each in every partition.
     */
    private void rememberAssumedRoleKey(StubRequest request, Answer answer) {
        if (answer.status() != 200 || !request.service().equals("sts")) return;
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        java.util.regex.Matcher key = ISSUED_KEY.matcher(body);
        java.util.regex.Matcher account = ASSUMED_ROLE_ACCOUNT.matcher(body);
        if (key.find() && account.find()) accountByAccessKey.putIfAbsent(key.group(1), account.group(1));
    }

    /** sts:GetCallerIdentity with the request's own access key (moto does not check signatures); null when it does not say. */
    private String askAccount(StubRequest request, String authorization) {
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Authorization", List.of(authorization.replaceFirst("/[^/]+/aws4_request", "/sts/aws4_request")));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        StubResponse who;
        try {
            who = forward(new StubRequest("POST", request.uri().resolve("/"), headers,
                    "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException noUpstream) {
            return null; // a front door with nothing behind it (a test's stub): its responders answer alone
        }
        java.util.regex.Matcher m = ACCOUNT.matcher(who.status() == 200 ? who.bodyText() : "");
        return m.find() ? m.group(1) : null;
    }

    /** An error in the request's protocol: JSON for JSON and REST-JSON services, XML otherwise. */
    private static void writeError(HttpExchange exchange, StubRequest request, int status, String code, String message) throws IOException {
        boolean json = !request.target().isEmpty() || request.header("Content-Type") != null && request.header("Content-Type").contains("json")
                || Set.of("eks", "lambda").contains(request.service());
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byte[] body;
        if (json) {
            headers.put("Content-Type", List.of("application/x-amz-json-1.1"));
            headers.put("x-amzn-ErrorType", List.of(code));
            body = JSON.writeValueAsBytes(Map.of("__type", code, "message", message));
        } else if (request.service().equals("ec2")) {
            // EC2's query protocol has an error document of its own.
            headers.put("Content-Type", List.of("text/xml"));
            body = ("<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error></Errors><RequestID>injected</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
        } else {
            headers.put("Content-Type", List.of("text/xml"));
            body = ("<ErrorResponse><Error><Type>Receiver</Type><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error><RequestId>injected</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
        }
        write(exchange, status, headers, body);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

    private static final Set<String> DYNAMODB_ITEM_WRITES = Set.of("DynamoDB_20120810.PutItem", "DynamoDB_20120810.UpdateItem",
            "DynamoDB_20120810.DeleteItem", "DynamoDB_20120810.BatchWriteItem", "DynamoDB_20120810.TransactWriteItems");
    private final Object dynamoDbItemWrites = new Object();

    /**
     * DynamoDB checks a write's condition and applies the write as one step (Developer Guide, "Condition
     * expressions"): of two conditional puts racing on one item, one fails. Moto's threaded server checks
     * and writes without a lock between, so two could both succeed; item writes pass here one at a time.
     */
    private Answer respondAtomically(StubRequest request) throws IOException {
        if (!DYNAMODB_ITEM_WRITES.contains(request.target())) return respond(request);
        synchronized (dynamoDbItemWrites) {
            return respond(request);
        }
    }

    /** A responder's answer, or else the emulator's. */
    private Answer respond(StubRequest request) throws IOException {
        for (Responder r : responders) {
            Optional<StubResponse> answer = r.answer(request, this::forward);
            if (answer.isPresent()) {
                Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(answer.get().headers());
                headers.put("Content-Type", List.of(answer.get().contentType()));
                return new Answer(answer.get().status(), headers, answer.get().body());
            }
        }
        HttpResponse<byte[]> response = send(request);
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    /** A request sent on to the emulator, its answer as a StubResponse (for responders). */
    private StubResponse forward(StubRequest request) {
        try {
            HttpResponse<byte[]> r = send(request);
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            r.headers().map().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Type") && !k.equalsIgnoreCase("Content-Length")) headers.put(k, v);
            });
            return new StubResponse(r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body(), headers);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<byte[]> send(StubRequest request) throws IOException {
        URI target = upstream.resolve(request.uri().getRawPath() + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()));
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> b.header(name, v));
        });
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
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
