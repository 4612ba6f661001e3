package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A DynamoDB conditional write is checked and carried out as one step (the Developer Guide's
 * "Condition expressions": the write succeeds only if the condition holds when it is applied), so of
 * writers racing on one item with {@code attribute_not_exists} exactly one wins — what the control
 * plane's lock rests on. Moto's threaded server checks and writes without a lock between them; the
 * front door serialises item writes so the local AWS keeps AWS's promise.
 */
class DynamoDbConditionalWriteTest {
    private static final int ROUNDS = 40;
    private static final int WRITERS = 6;

    @Test
    void ofConcurrentConditionalPutsOnOneItemExactlyOneSucceeds() throws Exception {
        String account = "420000000001";
        try (AwsClients aws = LocalAws.shared().clients(MotoServer.inAccount(account))) {
            aws.dynamoDb().createTable(r -> r.tableName("race").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<String> doubleWinners = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    String item = "item-" + round;
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Boolean>> writers = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        String writer = "writer-" + w;
                        Callable<Boolean> put = () -> {
                            start.await();
                            try {
                                aws.dynamoDb().putItem(r -> r.tableName("race")
                                        .item(Map.of("pk", AttributeValue.fromS(item), "holder", AttributeValue.fromS(writer)))
                                        .conditionExpression("attribute_not_exists(pk)"));
                                return true;
                            } catch (ConditionalCheckFailedException lost) {
                                return false;
                            }
                        };
                        writers.add(pool.submit(put));
                    }
                    start.countDown();
                    int won = 0;
                    for (Future<Boolean> f : writers) won += f.get() ? 1 : 0;
                    if (won != 1) doubleWinners.add(item + ": " + won + " writers succeeded");
                }
                assertThat(doubleWinners).as("rounds where the condition did not hold for exactly one writer").isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }

}
