package com.qualisys.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.anomaly.AnomalyResponse;
import com.qualisys.controlplane.events.anomaly.CostAnomalyParser;
import com.qualisys.controlplane.testing.TestSpecs;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A rendered notification goes out through the real SNS client and reaches a subscriber (on loopback). */
class NotificationPublisherTest {

    @Test
    void theAlertTopicDeliversSubjectAndBodyToItsSubscriber() throws Exception {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer subscriber = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        subscriber.createContext("/", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        subscriber.start();
        try (AwsClients aws = moto.clients()) {
            String topic = aws.sns().createTopic(r -> r.name("qualisys-control-plane-alerts")).topicArn();
            aws.sns().subscribe(r -> r.topicArn(topic).protocol("http")
                    .endpoint("http://127.0.0.1:" + subscriber.getAddress().getPort() + "/alerts"));
            Notification n = AnomalyResponse.decide(CostAnomalyParser.parse(Samples.text("anomaly/eventbridge-event.json")),
                    TestSpecs.load("dev")).notification();

            String messageId = new NotificationPublisher(aws.sns(), topic).publish(n);

            JsonNode delivered = null;
            for (String body = received.poll(10, TimeUnit.SECONDS); body != null; body = received.poll(2, TimeUnit.SECONDS)) {
                JsonNode json = new ObjectMapper().readTree(body);
                if ("Notification".equals(json.path("Type").asText())) {
                    delivered = json;
                    break;
                }
            }
            assertThat(delivered).as("the subscriber received the notification").isNotNull();
            assertThat(delivered.get("MessageId").asText()).isEqualTo(messageId);
            assertThat(delivered.get("Subject").asText()).isEqualTo(n.subject());
            assertThat(delivered.get("Message").asText()).isEqualTo(n.body());
        } finally {
            subscriber.stop(0);
        }
    }

    @Test
    void subjectsAreMadeSnsSafe() {
        Notification n = Notification.of("[dev] CRITICAL Über\nlong " + "x".repeat(200), "body");
        assertThat(n.subject()).hasSize(100).doesNotContain("\n").matches("[\\x20-\\x7e]+").endsWith("...");
    }
}
