package com.qualisys.controlplane.layers.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.layers.monitoring.SubscriberSteps.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Subscriber changes stay within AWS Budgets' limits (1 SNS, 10 e-mail per notification) at every step. */
class SubscriberStepsTest {

    @Test
    void anSnsTopicIsReplacedByRemovingTheOldOneFirst() {
        assertThat(SubscriberSteps.plan(List.of("SNS:arn:old"), List.of("SNS:arn:new")))
                .containsExactly(new Step(false, "SNS:arn:old"), new Step(true, "SNS:arn:new"));
    }

    @Test
    void anEmailBelowTheLimitIsAddedBeforeTheOldOneGoes() {
        assertThat(SubscriberSteps.plan(List.of("SNS:arn:t", "EMAIL:a@x"), List.of("SNS:arn:t", "EMAIL:b@x")))
                .containsExactly(new Step(true, "EMAIL:b@x"), new Step(false, "EMAIL:a@x"));
    }

    @Test
    void atTenEmailsAnOldOneGoesBeforeANewOneComesAndNoStepExceedsTheLimits() {
        List<String> live = IntStream.range(0, 10).mapToObj(i -> "EMAIL:old" + i + "@x").toList();
        List<String> wanted = new ArrayList<>(live.subList(0, 8));
        wanted.addAll(List.of("EMAIL:new1@x", "EMAIL:new2@x"));
        List<Step> steps = SubscriberSteps.plan(live, wanted);

        List<String> current = new ArrayList<>(live);
        for (Step s : steps) {
            if (s.add()) current.add(s.subscriber()); else current.remove(s.subscriber());
            assertThat(current.stream().filter(c -> c.startsWith("EMAIL:")).count()).as("after %s", s).isLessThanOrEqualTo(10);
        }
        assertThat(current).containsExactlyInAnyOrderElementsOf(wanted);
    }

    @Test
    void wantingMoreThanTheLimitIsAClearError() {
        assertThatThrownBy(() -> SubscriberSteps.plan(List.of("SNS:arn:a"), List.of("SNS:arn:a", "SNS:arn:b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1 SNS");
    }
}
