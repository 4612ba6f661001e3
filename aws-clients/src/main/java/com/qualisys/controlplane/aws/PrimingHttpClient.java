package com.qualisys.controlplane.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of the SnapStart priming ({@link AwsClients#primeOperations}): it answers every request in the JVM
 * with a success in the request's protocol, and never opens a connection or resolves a name. The success is the
 * operation's response with every member given a value ({@link SampleResponses}, for the response type {@link #answering}
 * names) for the JSON and query protocols (EC2, IAM, STS, SNS, RDS, ElastiCache name the action in the form body), and
 * empty for REST-XML (S3) or when no type is named: {@code {}}, {@code <ActionResponse/>}, no body.
 */
final class PrimingHttpClient implements SdkHttpClient {
    /** The services of the REST-XML protocol; other REST services speak JSON. */
    private static final Set<String> REST_XML_SERVICES = Set.of("s3", "s3control", "cloudfront", "route53");

    private volatile Class<?> responseType;

    /** The response type of the operation called next; null: empty answers. */
    void answering(Class<?> responseType) {
        this.responseType = responseType;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                byte[] body = success(request, responseType).getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder().statusCode(200).putHeader("Content-Length", String.valueOf(body.length)).build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                        .build();
            }

            @Override
            public void abort() {}
        };
    }

    static String success(HttpExecuteRequest request, Class<?> responseType) {
        String type = request.httpRequest().firstMatchingHeader("Content-Type").orElse("");
        if (type.contains("json")) return responseType == null ? "{}" : SampleResponses.json(responseType);
        if (type.startsWith("application/x-www-form-urlencoded") && request.contentStreamProvider().isPresent()) {
            try (InputStream in = request.contentStreamProvider().get().newStream()) {
                for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    if (pair.startsWith("Action=")) {
                        String action = URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                        if (responseType == null) return "<" + action + "Response/>";
                        // EC2's query protocol puts the members in the response element itself; the others in <ActionResult>.
                        return SampleResponses.xml(responseType, action, !service(responseType).equals("ec2"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // No body to tell: REST-JSON (EKS's GETs) answers JSON, REST-XML (S3) an empty body.
        return responseType == null || REST_XML_SERVICES.contains(service(responseType)) ? "" : SampleResponses.json(responseType);
    }

    /** The service of a model class: {@code software.amazon.awssdk.services.<service>.model}. */
    private static String service(Class<?> modelType) {
        String p = modelType.getPackageName();
        String prefix = "software.amazon.awssdk.services.";
        return p.startsWith(prefix) ? p.substring(prefix.length(), p.indexOf('.', prefix.length())) : "";
    }

    @Override
    public String clientName() {
        return "Priming";
    }

    @Override
    public void close() {}
}
