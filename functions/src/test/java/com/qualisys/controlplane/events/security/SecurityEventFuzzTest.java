package com.qualisys.controlplane.events.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.FuzzFigures;
import com.qualisys.controlplane.events.Mutations;
import com.qualisys.controlplane.events.Samples;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated CloudTrail events never escape as anything but {@link EventParseException}, and a rejected
 * event makes no AWS call at all (the full respond path runs against the emulator).
 */
class SecurityEventFuzzTest {
    static final FuzzFigures FIGURES = new FuzzFigures("CloudTrail security events");
    static final List<String> SAMPLES = List.of("authorize-sg-ingress-rds-world-5432.json", "stop-logging.json",
            "modify-sg-rules-k8s-nodes-ssh-world.json", "modify-db-instance-public.json", "update-cluster-config-logging-off.json",
            "create-route-database-igw.json", "create-network-acl-entry-database-world.json", "delete-flow-logs.json",
            "update-assume-role-policy-cicd.json", "put-resource-policy-master-secret.json", "schedule-key-deletion.json");
    static AwsClients aws;
    static SecurityResponder responder;

    @BeforeContainer
    static void emulator() {
        MotoServer moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        responder = new SecurityResponder(TestSpecs.load("dev"), SecurityEventClassifierTest.groupIs("rds"), aws);
    }

    @AfterContainer
    static void figures() {
        aws.close();
        FIGURES.report();
    }

    @Provide
    Arbitrary<String> events() {
        return Arbitraries.oneOf(SAMPLES.stream()
                .map(s -> Mutations.ofJson(Samples.with("security/" + s, SecurityEventClassifierTest.IDS))).toList());
    }

    @Property(tries = 1500, seed = "20240529")
    void aMutatedEventIsEitherRejectedWithNoCallOrHandled(@ForAll("events") String payload) {
        FIGURES.tried.incrementAndGet();
        aws.calls().reset();
        try {
            SecurityResponder.SecurityResponse r = responder.respond(payload);
            FIGURES.accepted.incrementAndGet();
            Statistics.collect("accepted");
            assertThat(r.decision().finding()).isNotNull();
            if (!r.decision().ignored()) assertThat(r.notification().subject()).isNotBlank();
        } catch (EventParseException e) {
            FIGURES.rejected.incrementAndGet();
            Statistics.collect("rejected");
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).hasSizeLessThan(700);
            assertThat(aws.calls().total()).as("a rejected event makes no call").isZero();
        }
    }
}
