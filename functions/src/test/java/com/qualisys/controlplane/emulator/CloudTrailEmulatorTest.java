package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.InvalidLookupAttributesException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidMaxResultsException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/** The emulated CloudTrail records mutating calls through the front door and answers LookupEvents as AWS documents it. */
class CloudTrailEmulatorTest {
    private static LocalAws local;
    private static AwsClients aws;

    @BeforeAll
    static void start() {
        local = LocalAws.shared();
        local.reset();
        aws = local.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void mutatingCallsAreRecordedNewestFirstInPagesOfFiftyAndReadsAreNot() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        for (int i = 0; i < 55; i++) {
            int n = i;
            aws.sns().createTopic(r -> r.name("trail-test-" + n));
        }
        aws.sns().listTopics();
        List<Event> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String page = token;
            LookupEventsResponse r = aws.cloudTrail().lookupEvents(b -> b.startTime(start).nextToken(page)
                    .lookupAttributes(a -> a.attributeKey(LookupAttributeKey.EVENT_SOURCE).attributeValue("sns.amazonaws.com")));
            all.addAll(r.events());
            token = r.nextToken();
            pages++;
            Thread.sleep(500);
        } while (token != null);

        assertThat(pages).isEqualTo(2);
        assertThat(all).hasSize(55).allSatisfy(e -> assertThat(e.eventName()).isEqualTo("CreateTopic"));
        assertThat(all.getFirst().eventTime()).isAfterOrEqualTo(all.getLast().eventTime());
        Event newest = all.getFirst();
        assertThat(newest.readOnly()).isEqualTo("false");
        assertThat(newest.cloudTrailEvent()).contains("\"name\":\"trail-test-54\"").contains("\"sourceIPAddress\":\"127.0.0.1\"")
                .contains("\"eventSource\":\"sns.amazonaws.com\"").contains("\"userIdentity\":{");
    }

    @Test
    void aLookupByResourceNameFindsTheCallsThatNamedIt() {
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        aws.ec2().createTags(r -> r.resources(vpc).tags(t -> t.key("k").value("v")));
        List<Event> events = aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(a -> a.attributeKey(LookupAttributeKey.RESOURCE_NAME)
                .attributeValue(vpc))).events();
        assertThat(events).extracting(Event::eventName).containsExactly("CreateTags");
        assertThat(events.getFirst().resources()).anySatisfy(r -> {
            assertThat(r.resourceName()).isEqualTo(vpc);
            assertThat(r.resourceType()).isEqualTo("AWS::EC2::VPC");
        });
    }

    /** A call made in another account (moto's x-moto-account-id) is that account's event: its caller and recipient name it. */
    @Test
    void aCallInAnotherAccountIsRecordedAsThatAccountsCall() {
        String account = "320000000001";
        try (AwsClients other = local.clients(MotoServer.inAccount(account))) {
            other.sns().createTopic(r -> r.name("trail-other-account"));
        }
        List<Event> events = aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(a -> a.attributeKey(LookupAttributeKey.RESOURCE_NAME)
                .attributeValue("trail-other-account"))).events();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().cloudTrailEvent()).contains("\"recipientAccountId\":\"" + account + "\"")
                .contains("\"accountId\":\"" + account + "\"").doesNotContain(AwsApiFrontDoor.DEFAULT_ACCOUNT);
    }

    @Test
    void invalidLookupsAreRejectedAsTheApiReferenceDocuments() {
        assertThatThrownBy(() -> aws.cloudTrail().lookupEvents(b -> b.maxResults(51))).isInstanceOf(InvalidMaxResultsException.class);
        assertThatThrownBy(() -> aws.cloudTrail().lookupEvents(b -> b.lookupAttributes(
                a -> a.attributeKey(LookupAttributeKey.EVENT_NAME).attributeValue("A"),
                a -> a.attributeKey(LookupAttributeKey.USERNAME).attributeValue("B"))))
                .isInstanceOf(InvalidLookupAttributesException.class);
    }
}
