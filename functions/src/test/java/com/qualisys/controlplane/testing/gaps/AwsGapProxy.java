package com.qualisys.controlplane.testing.gaps;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * A loopback HTTP front for moto that fills the gaps this project hits (docs/emulator-gaps.md):
 * operations moto does not implement are answered in the shapes the AWS API reference documents
 * ({@link EksGaps}, {@link RdsGaps}); everything else is forwarded to moto unchanged. The real
 * SDK clients talk to it exactly as they would to AWS. It also lets a test hold a resource in a
 * transitional status (CREATING, creating), which moto never reports for EKS and RDS.
 */
public final class AwsGapProxy {
    private static final Pattern SERVICE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private static final java.util.concurrent.atomic.AtomicLong ACCOUNTS = new java.util.concurrent.atomic.AtomicLong(210_000_000_000L);

    private final HttpServer server;
    private final String upstream;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final EksGaps eks = new EksGaps();
    private final RdsGaps rds = new RdsGaps();

    private AwsGapProxy(String upstream) {
        this.upstream = upstream;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    private static AwsGapProxy shared;

    /**
     * The proxy in front of the shared moto server, started once per JVM. Tests take an empty
     * account from it ({@link #freshAccount()}) rather than resetting moto, which is slow once
     * AWS managed policies are loaded and would wipe other tests' state.
     */
    public static synchronized AwsGapProxy shared() {
        if (shared == null) shared = new AwsGapProxy(MotoServer.shared().endpoint());
        return shared;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public EksGaps eks() {
        return eks;
    }

    public RdsGaps rds() {
        return rds;
    }

    /** Real SDK clients pointed at the proxy, in moto's default account. */
    private AwsClients defaultAccountClients() {
        return AwsClients.builder().region(MotoServer.REGION).endpoint(endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    /**
     * Clients in an account of their own (moto keeps accounts apart; STS AssumeRole into a new
     * account id gives credentials for it). Much cheaper than a reset when a test needs many
     * empty accounts; the proxy's own state (add-ons, held statuses) is emptied too.
     */
    public Account freshAccount() {
        eks.reset();
        rds.reset();
        String id = String.valueOf(ACCOUNTS.incrementAndGet());
        try (AwsClients base = defaultAccountClients()) {
            var c = base.sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + id + ":role/qualisys-test").roleSessionName("qualisys-test"))
                    .credentials();
            return new Account(id, StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())));
        }
    }

    /** An emulated account: clients made from it all act in it. */
    public final class Account {
        private final String id;
        private final StaticCredentialsProvider credentials;

        private Account(String id, StaticCredentialsProvider credentials) {
            this.id = id;
            this.credentials = credentials;
        }

        public String id() {
            return id;
        }

        public AwsClients clients(ExecutionInterceptor... interceptors) {
            AwsClients.Builder b = AwsClients.builder().region(MotoServer.REGION).endpoint(endpoint()).credentials(credentials);
            for (ExecutionInterceptor i : interceptors) b.interceptor(i);
            return b.build();
        }
    }


    /** A request as received. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Request withBody(String text) {
            return new Request(method, path, query, headers, text.getBytes(StandardCharsets.UTF_8));
        }

        public Optional<String> queryParam(String name) {
            if (query == null) return Optional.empty();
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (k.equals(name)) return Optional.of(eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return Optional.empty();
        }
    }

    /** A response to send back. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public static Response json(int status, String json) {
            return new Response(status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
        }

        public static Response xml(String xml) {
            return new Response(200, Map.of("Content-Type", "text/xml"), xml.getBytes(StandardCharsets.UTF_8));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Response withBody(String text) {
            return new Response(status, headers, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Sends a request on to moto. */
    public interface Upstream {
        Response forward(Request request);
    }

    /** One service's gap handling: answer, or forward (possibly rewriting request and response). */
    public interface Gaps {
        Response handle(Request request, Upstream upstream);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach(headers::put);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, exchange.getRequestBody().readAllBytes());
            Response response;
            try {
                response = switch (service(headers)) {
                    case "eks" -> eks.handle(request, this::forward);
                    case "rds" -> rds.handle(request, this::forward);
                    default -> forward(request);
                };
            } catch (RuntimeException e) {
                response = Response.json(500, "{\"message\":\"gap proxy: " + e.getClass().getSimpleName() + "\"}");
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) exchange.getResponseBody().write(response.body());
        }
    }

    private static String service(Map<String, List<String>> headers) {
        List<String> auth = headers.get("Authorization");
        if (auth == null || auth.isEmpty()) return "";
        Matcher m = SERVICE.matcher(auth.get(0));
        return m.find() ? m.group(1) : "";
    }

    private Response forward(Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + request.path()
                        + (request.query() == null ? "" : "?" + request.query())))
                .timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((k, values) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) values.forEach(v -> b.header(k, v));
        });
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            r.headers().map().forEach((k, v) -> {
                if (!HOP_BY_HOP.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.startsWith(":")) headers.put(k, v.get(0));
            });
            return new Response(r.statusCode(), headers, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
