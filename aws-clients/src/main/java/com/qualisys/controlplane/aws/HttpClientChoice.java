package com.qualisys.controlplane.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK HTTP client every client of {@link AwsClients} uses: the one the package ships. A function's package
 * (functions/src/packaging/function-packages.properties) carries exactly one HTTP client module, chosen for its
 * cold start and size (docs/benchmarks.md, HttpClientBenchmark); this picks it by a class-presence check instead
 * of the SDK's service-loader scan, which would also refuse a classpath that holds two.
 *
 * <p>aws-clients declares the Apache and CRT clients optional: they are compiled against, never shipped unless a
 * package names them. The builders are made in lambdas, so a package without a client never resolves its classes.
 */
public enum HttpClientChoice {
    URL_CONNECTION("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient", () -> UrlConnectionHttpClient.builder()),
    APACHE("software.amazon.awssdk.http.apache.ApacheHttpClient", () -> ApacheHttpClient.builder()),
    CRT("software.amazon.awssdk.http.crt.AwsCrtHttpClient", () -> AwsCrtHttpClient.builder());

    private final String className;
    private final Supplier<SdkHttpClient.Builder<?>> builder;

    HttpClientChoice(String className, Supplier<SdkHttpClient.Builder<?>> builder) {
        this.className = className;
        this.builder = builder;
    }

    /** A builder of this client with the SDK's defaults; each AWS client gets its own. */
    public SdkHttpClient.Builder<?> builder() {
        return builder.get();
    }

    /** The first of URL-connection, Apache, CRT whose module is on the classpath. */
    public static HttpClientChoice shipped() {
        for (HttpClientChoice c : values()) {
            if (c.present()) return c;
        }
        throw new IllegalStateException("no SDK HTTP client module on the classpath: ship one of url-connection-client, "
                + "apache-client or aws-crt-client");
    }

    private boolean present() {
        try {
            Class.forName(className, false, HttpClientChoice.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
