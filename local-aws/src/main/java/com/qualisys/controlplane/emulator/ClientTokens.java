package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-token idempotency as AWS documents it for the operations that take one (EC2 "Ensuring
 * idempotency": ClientToken; EKS, RDS, Secrets Manager: clientRequestToken): a repeat of a successful
 * request with the same token is answered with the first result and changes nothing; the same token
 * with other parameters is {@code IdempotentParameterMismatch}. moto ignores tokens (a repeated
 * CreateNatGateway makes a second gateway), which would fake duplicates in lost-response tests.
 *
 * <p>Remembered are the successful answers the front door lost on purpose ({@link Faults.Kind#LOST_RESPONSE}):
 * the case where the caller never saw the first result and its retry must not act twice. Other
 * repeats go to moto as before (which ignores the token: see docs/emulator-gaps.md). Per account,
 * operation and token.
 */
final class ClientTokens {
    /** Member names the SDKs send a client token in (query, JSON and REST-JSON protocols). */
    private static final List<String> TOKEN_FIELDS = List.of("ClientToken", "clientToken", "ClientRequestToken", "clientRequestToken");

    record Remembered(String requestIdentity, int status, Map<String, List<String>> headers, byte[] body) {}

    private final Map<String, Remembered> byToken = new ConcurrentHashMap<>();

    /** The key of a request carrying a client token, or empty when it carries none. */
    Optional<String> key(AwsApiFrontDoor.StubRequest request) {
        return token(request).map(token -> request.callerAccount() + " " + operation(request) + " " + token);
    }

    Optional<Remembered> earlier(String key) {
        return Optional.ofNullable(byToken.get(key));
    }

    void remember(String key, AwsApiFrontDoor.StubRequest request, int status, Map<String, List<String>> headers, byte[] body) {
        if (status / 100 == 2) byToken.putIfAbsent(key, new Remembered(request.identity(), status, headers, body));
    }

    void clear() {
        byToken.clear();
    }

    private static String operation(AwsApiFrontDoor.StubRequest request) {
        String named = request.header(AwsApiFrontDoor.OPERATION_HEADER);
        if (named != null) return named;
        String action = formParam(request, "Action").orElse(request.target());
        return request.method() + " " + request.uri().getPath() + " " + action;
    }

    static Optional<String> token(AwsApiFrontDoor.StubRequest request) {
        for (String field : TOKEN_FIELDS) {
            Optional<String> inQuery = request.queryParam(field).or(() -> formParam(request, field));
            if (inQuery.isPresent() && !inQuery.get().isEmpty()) return inQuery;
        }
        String contentType = request.header("Content-Type");
        if (request.body().length > 0 && contentType != null && contentType.contains("json")) {
            JsonNode json;
            try {
                json = request.json();
            } catch (IllegalArgumentException notJson) {
                return Optional.empty();
            }
            for (String field : TOKEN_FIELDS) {
                if (json.path(field).isTextual() && !json.path(field).asText().isEmpty()) return Optional.of(json.path(field).asText());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> formParam(AwsApiFrontDoor.StubRequest request, String name) {
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.contains("x-www-form-urlencoded")) return Optional.empty();
        for (String pair : request.bodyText().split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }
}
