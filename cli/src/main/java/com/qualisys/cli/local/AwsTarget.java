package com.qualisys.cli.local;

import java.net.URI;

/**
 * Where this command's AWS calls go and whose credentials sign them, in words: what an error about
 * AWS must name so that a person knows what to fix. Remembered per thread (one command runs on one
 * thread) when the command builds its clients.
 */
public record AwsTarget(String endpoint, String credentials) {
    private static final ThreadLocal<AwsTarget> CURRENT = new ThreadLocal<>();

    static void remember(String region, String endpoint, boolean emulatorCredentials) {
        CURRENT.set(new AwsTarget(describeEndpoint(region, endpoint), describeCredentials(emulatorCredentials)));
    }

    /** The target of the clients this thread built last, or a description of the defaults. */
    public static AwsTarget current() {
        AwsTarget t = CURRENT.get();
        return t != null ? t : new AwsTarget(describeEndpoint(null, System.getenv("AWS_ENDPOINT_URL")), describeCredentials(false));
    }

    public static void forget() {
        CURRENT.remove();
    }

    private static String describeEndpoint(String region, String endpoint) {
        if (endpoint != null && !endpoint.isBlank()) return URI.create(endpoint).toString();
        return "AWS" + (region == null ? "" : " " + region);
    }

    private static String describeCredentials(boolean emulatorCredentials) {
        if (emulatorCredentials) return "the emulator's test credentials";
        if (System.getenv("AWS_ACCESS_KEY_ID") != null) return "AWS_ACCESS_KEY_ID from the environment";
        if (System.getenv("AWS_PROFILE") != null) return "profile " + System.getenv("AWS_PROFILE") + " (AWS_PROFILE)";
        return "the default credential chain (no AWS_PROFILE or AWS_ACCESS_KEY_ID set: ~/.aws profile default,"
                + " SSO, container or instance role)";
    }
}
