package com.qualisys.controlplane.testing;

import com.qualisys.controlplane.aws.AwsClients;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A loopback HTTP server speaking the AWS Query protocol (EC2, RDS, ElastiCache, IAM, ...) for the
 * operations the emulator lacks or gets wrong: each handler answers with the XML the AWS API
 * reference documents, and the real SDK client is pointed at it. Every request's parameters are
 * recorded so that a test can assert what the code sent.
 */
public final class QueryApiStub implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Function<Map<String, String>, Response>> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** One call as received: its Action and every other form parameter. */
    public record Request(String action, Map<String, String> params) {
        /** The values of a list parameter (Name.1, Name.member.1, Name.Item.1 ...) in index order. */
        public List<String> list(String name) {
            Map<Integer, String> byIndex = new TreeMap<>();
            params.forEach((k, v) -> {
                if (!k.startsWith(name + ".")) return;
                String last = k.substring(k.lastIndexOf('.') + 1);
                if (last.matches("\\d+") && k.substring(name.length() + 1).split("\\.").length <= 2) byIndex.put(Integer.parseInt(last), v);
            });
            return new ArrayList<>(byIndex.values());
        }
    }

    public record Response(int status, String xml) {
        public static Response ok(String xml) {
            return new Response(200, xml);
        }

        /** The error form of RDS, ElastiCache, IAM and the other Query services. */
        public static Response error(int status, String code, String message) {
            return new Response(status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error><RequestId>stub-request</RequestId></ErrorResponse>");
        }
    }

    private QueryApiStub(HttpServer server) {
        this.server = server;
    }

    public static QueryApiStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            QueryApiStub stub = new QueryApiStub(server);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the API stub: " + e.getMessage(), e);
        }
    }

    public QueryApiStub on(String action, Function<Map<String, String>, Response> handler) {
        handlers.put(action, handler);
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** SDK clients pointed at this stub, with fixed test credentials. */
    public AwsClients clients() {
        return AwsClients.builder().region("us-east-1").endpoint(endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    public List<Request> requests(String action) {
        return requests.stream().filter(r -> r.action().equals(action)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> params = new TreeMap<>();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String action = params.remove("Action");
        params.remove("Version");
        requests.add(new Request(action, Map.copyOf(params)));
        Function<Map<String, String>, Response> handler = handlers.get(action);
        Response response = handler == null ? Response.error(400, "InvalidAction", "the stub does not answer " + action) : handler.apply(params);
        byte[] bytes = response.xml().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
