package com.qualisys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.cli.local.LocalControlPlane;
import com.qualisys.controlplane.aws.AwsClients;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS queue subscribed to the control plane's alert topic (what an on-call e-mail would receive),
 * created on the emulator before a response runs; the topic is created under the name the local control
 * plane uses, so the response publishes to it.
 */
final class AlertInbox implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String endpoint;
    private final SqsClient sqs;
    private final String queueUrl;

    /** One notification as SNS delivers it to a queue. */
    record Alert(String subject, String body) {}

    AlertInbox(String endpoint, AwsClients aws, String name) {
        this.endpoint = endpoint;
        this.sqs = sqs();
        this.queueUrl = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String topic = aws.sns().createTopic(r -> r.name(LocalControlPlane.ALERT_TOPIC)).topicArn();
        aws.sns().subscribe(r -> r.topicArn(topic).protocol("sqs").endpoint("arn:aws:sqs:us-east-1:123456789012:" + name));
    }

    /** A new SQS client on the same endpoint (for queues of the test's own). */
    SqsClient sqs() {
        return SqsClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** Every notification delivered so far (and removes them from the queue). */
    List<Alert> received() {
        List<Alert> alerts = new ArrayList<>();
        while (true) {
            var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) return alerts;
            for (var m : messages) {
                try {
                    JsonNode envelope = JSON.readTree(m.body());
                    alerts.add(new Alert(envelope.path("Subject").asText(null), envelope.path("Message").asText()));
                } catch (Exception e) {
                    throw new AssertionError("not an SNS notification: " + m.body(), e);
                }
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Override
    public void close() {
        sqs.close();
    }
}
