package com.qualisys.cli.testing;

import com.qualisys.controlplane.emulator.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Switches moto's Step Functions between its two modes (server-wide): by default executions do
 * nothing and return a fixed history; with execution on, moto's ASL interpreter runs them (SNS,
 * SQS, DynamoDB integrations against moto itself; no Lambda without Docker).
 */
public final class MotoStepFunctions {
    private MotoStepFunctions() {}

    public static void executeStateMachines(boolean on) {
        String body = "{\"stepfunctions\":{\"execute_state_machine\":" + on + "}}";
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(MotoServer.shared().endpoint() + "/moto-api/config"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // moto's GET of its config leaves out the stepfunctions part; the executions show the mode.
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("moto did not take the config " + body + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot configure moto: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
