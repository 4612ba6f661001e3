package com.qualisys.controlplane.layers.kubernetes.helm;

import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How helm reaches the same API server as the layer's client: URL, CA certificate (PEM) and a
 * bearer token (for EKS the same short-lived token the client uses). toString hides the token.
 */
public record HelmConnection(String apiServer, String caPem, String token) {

    /** From a fabric8 client configuration that authenticates with a bearer token. */
    public static HelmConnection of(Config config) {
        String token = config.getOauthTokenProvider() != null ? config.getOauthTokenProvider().getToken() : config.getOauthToken();
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("helm needs a bearer token for " + config.getMasterUrl()
                    + "; this client authenticates another way");
        }
        String ca = config.getCaCertData() == null ? null
                : new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.US_ASCII);
        return new HelmConnection(config.getMasterUrl(), ca, token);
    }

    @Override
    public String toString() {
        return "HelmConnection[apiServer=" + apiServer + ", token=<hidden>]";
    }
}
