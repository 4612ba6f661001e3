package com.qualisys.controlplane.events.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.FuzzFigures;
import com.qualisys.controlplane.events.Mutations;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated budget notifications (the text, and the Lambda SNS event around it) are rejected with an
 * {@link EventParseException} and no AWS call, or run the ladder against the emulator without error.
 */
class BudgetAlertFuzzTest {
    static final FuzzFigures FIGURES = new FuzzFigures("AWS Budgets notifications");
    static final EnvironmentSpec DEV = TestSpecs.load("dev");
    static AwsClients aws;
    static BudgetResponder responder;

    @BeforeContainer
    static void emulator() {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        aws.s3().createBucket(r -> r.bucket(DEV.reportBucket()));
        aws.eks().createCluster(r -> r.name("qualisys-eks").version("1.29").roleArn("arn:aws:iam::123456789012:role/QualisysEKSService")
                .resourcesVpcConfig(v -> v.subnetIds("subnet-0a")));
        aws.eks().createNodegroup(r -> r.clusterName("qualisys-eks").nodegroupName("qualisys-playwright-pool")
                .nodeRole("arn:aws:iam::123456789012:role/qualisys-eks-node-role").subnets("subnet-0a")
                .scalingConfig(s -> s.minSize(5).maxSize(20).desiredSize(5)));
        responder = new BudgetResponder("dev", aws, new OverrideStore(aws.s3(), DEV.reportBucket(), "dev"),
                Clock.fixed(Instant.parse("2024-05-29T07:00:00Z"), ZoneOffset.UTC));
    }

    @AfterContainer
    static void figures() {
        aws.close();
        FIGURES.report();
    }

    @Provide
    Arbitrary<String> alerts() {
        String hundred = Samples.text("budget/actual-100-percent-sns-event.json");
        String hundredText;
        try {
            hundredText = new ObjectMapper().readTree(hundred).at("/Records/0/Sns/Message").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Arbitraries.oneOf(
                Mutations.ofText(Samples.text("budget/actual-80-percent.txt")),
                Mutations.ofText(Samples.text("budget/forecasted-150-percent.txt")),
                Mutations.ofText(hundredText),
                Mutations.ofJson(hundred),
                Mutations.ofText(hundredText).map(text -> snsEvent(hundred, text)));
    }

    private static String snsEvent(String template, String message) {
        try {
            ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(template);
            ((ObjectNode) tree.at("/Records/0/Sns")).put("Message", message);
            return tree.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 1500, seed = "20240529")
    void aMutatedNotificationIsEitherRejectedWithNoCallOrRunsTheLadder(@ForAll("alerts") String payload) {
        FIGURES.tried.incrementAndGet();
        aws.calls().reset();
        try {
            BudgetAlert alert = BudgetAlertParser.parse(payload);
            BudgetResponder.BudgetResponse r = responder.respond(BudgetLadder.plan(alert, DEV));
            FIGURES.accepted.incrementAndGet();
            Statistics.collect("accepted");
            assertThat(r.notification().subject()).isNotBlank();
        } catch (EventParseException e) {
            FIGURES.rejected.incrementAndGet();
            Statistics.collect("rejected");
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).hasSizeLessThan(700);
            assertThat(aws.calls().total()).as("a rejected notification makes no call").isZero();
        }
    }
}
