package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.layers.EmulatedAccount;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The hub's security rules of two environments on one bus, on the emulator: an event that happened in
 * dev's account (as forwarded from its spoke) reaches dev's rule once and no rule of staging's, though
 * both environments' patterns match the call itself. (The emulator's bus is in dev's account here: moto
 * stamps an event with the account that puts it, which is what a forwarded event carries.)
 */
class ForwardedSecurityEventTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void oneForwardedEventStartsExactlyOneExecutionForTheEnvironmentWhoseAccountItCameFrom() throws Exception {
        EmulatedAccount devAccount = EmulatedAccount.fresh();
        String stagingAccount = EmulatedAccount.fresh().id();
        EnvironmentSpec dev = SpecVariant.of("dev", "aws:\n  accountId: \"" + devAccount.id() + "\"\n");
        // staging with dev's names, so that its patterns match the same trail: only the account tells them apart.
        EnvironmentSpec staging = SpecVariant.of("dev", "aws:\n  accountId: \"" + stagingAccount + "\"\n");
        try (AwsClients aws = devAccount.clients();
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(EmulatedAccount.local().endpoint()))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                     .overrideConfiguration(c -> c.putHeader("x-moto-account-id", devAccount.id()))
                     .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            aws.eventBridge().createEventBus(r -> r.name("qualisys-control-plane"));
            Map<String, String> queues = new LinkedHashMap<>();
            int n = 0;
            for (EnvironmentSpec env : List.of(dev, staging)) {
                for (SecurityEventPatterns.EventRule rule : SecurityEventPatterns.rules(env)) {
                    String name = "r" + (n++) + "-" + env.aws().accountId();
                    queues.put(name, sqs.createQueue(r -> r.queueName(name)).queueUrl());
                    aws.eventBridge().putRule(r -> r.name(name).eventBusName("qualisys-control-plane")
                            .eventPattern(SecurityEventPatterns.inAccount(rule, env)));
                    aws.eventBridge().putTargets(r -> r.rule(name).eventBusName("qualisys-control-plane").targets(t -> t.id("queue")
                            .arn("arn:aws:sqs:us-east-1:" + devAccount.id() + ":" + name)));
                }
            }
            JsonNode event = JSON.readTree(Samples.with("security/stop-logging.json", SecurityEventClassifierTest.IDS));
            assertThat(aws.eventBridge().putEvents(r -> r.entries(x -> x.eventBusName("qualisys-control-plane")
                    .source(event.get("source").asText()).detailType(event.get("detail-type").asText())
                    .detail(event.get("detail").toString()))).failedEntryCount()).isZero();

            List<String> delivered = new ArrayList<>();
            queues.forEach((name, url) -> sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages()
                    .forEach(m -> delivered.add(name)));
            assertThat(delivered).singleElement().satisfies(rule -> assertThat(rule).endsWith("-" + devAccount.id()));
        }
    }
}
