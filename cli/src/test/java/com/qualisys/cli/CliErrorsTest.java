package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.emulator.LocalAws;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's error messages, reproduced: one line naming the endpoint and the credentials' source, never
 * a Java class name (kept for --debug); and `run` printing its summary rather than JSON.
 */
class CliErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNonAwsEndpointIsNamed_wasIamNullNull() throws Exception {
        HttpServer notAws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notAws.createContext("/", exchange -> {
            byte[] body = "<html>it works</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        notAws.start();
        try {
            String endpoint = "http://127.0.0.1:" + notAws.getAddress().getPort();
            Cli.Result r = Cli.run("drift", "--env", "dev", "--layer", "iam", "--emulator", "--endpoint-url", endpoint);
            assertThat(r.exitCode()).isEqualTo(1);
            // The first call (the caller's identity, or the layer's first read) meets it; either way one line names it.
            assertThat(r.out() + r.err()).containsPattern(endpoint + " answered (Iam|Sts) with HTTP 404 but not with an AWS error")
                    .contains("credentials: the emulator's test credentials").doesNotContain("null: null");
        } finally {
            notAws.stop(0);
        }
    }

    @Test
    void anUnreachableEndpointIsOneLine_andTheStackTraceOnlyWithDebug() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closed;
        Cli.Result r = Cli.run("plan", "--env", "dev", "--layer", "account", "--emulator", "--endpoint-url", endpoint);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out() + r.err()).containsPattern("cannot reach " + endpoint + ": .*refused");
        assertThat(r.out() + r.err()).doesNotContain("Exception", "\tat ");

        Cli.Result debug = Cli.run("plan", "--env", "dev", "--layer", "account", "--emulator", "--endpoint-url", endpoint, "--debug");
        assertThat(debug.err()).contains("SdkClientException", "\tat ");
    }

    @Test
    void missingCredentialsNameWhereTheyWereLookedFor_wasA14KbProviderChainDump() {
        String imds = System.getProperty("aws.disableEc2Metadata");
        String sharedFile = System.getProperty("aws.sharedCredentialsFile");
        String configFile = System.getProperty("aws.configFile");
        // No instance metadata (no traffic off the machine) and no profile files: nothing to find.
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.sharedCredentialsFile", "/nonexistent/credentials");
        System.setProperty("aws.configFile", "/nonexistent/config");
        try {
            // A reserved, never-resolving name: signing fails for want of credentials before any connection.
            Cli.Result r = Cli.run("plan", "--env", "dev", "--layer", "account", "--endpoint-url", "https://aws.qualisys.invalid");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out() + r.err()).contains("no AWS credentials for https://aws.qualisys.invalid: none found in ",
                    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            assertThat(r.out() + r.err()).doesNotContain("AwsCredentialsProviderChain", "SystemPropertyCredentialsProvider");
            assertThat((r.out() + r.err()).lines().filter(l -> l.contains("no AWS credentials")).findFirst().orElseThrow().length()).isLessThan(300);
        } finally {
            restore("aws.disableEc2Metadata", imds);
            restore("aws.sharedCredentialsFile", sharedFile);
            restore("aws.configFile", configFile);
        }
    }

    @Test
    void runPrintsTheHumanSummaryByDefaultAndJsonWithJson_wasJsonWithLiteralBackslashN() throws Exception {
        LocalAws local = LocalAws.shared();
        local.reset(); // S3 bucket names are global in moto: another test's bucket would be "already exists"
        Cli.Result human = Cli.run("run", "drift-check", "--env", "dev", "--local", "--emulator", "--endpoint-url", local.endpoint(),
                "--input", "{\"layers\":[\"account\"]}");
        assertThat(human.exitCode()).as(human.toString()).isIn(0, 2);
        assertThat(human.out()).containsPattern("^drift-check \\S+: SUCCEEDED\n").contains("Drift report for dev: ", "\n  account: ")
                .doesNotContain("\\n", "\"executionId\"");

        Cli.Result json = Cli.run("run", "drift-check", "--env", "dev", "--local", "--emulator", "--endpoint-url", local.endpoint(),
                "--input", "{\"layers\":[\"account\"]}", "--json");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(doc.at("/output/summary").asText()).contains("Drift report for dev");
    }

    private static void restore(String property, String value) {
        if (value == null) System.clearProperty(property);
        else System.setProperty(property, value);
    }
}
