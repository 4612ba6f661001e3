package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag's AwsSolutions pack runs in the app: nothing may be left unsuppressed, and every suppression says why. */
class NagTest {

    private static List<String> messages(List<SynthesisMessage> found) {
        return found.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }

    private static void assertClean(TestStacks.Synth synth) {
        Annotations annotations = Annotations.fromStack(synth.stack());
        assertThat(messages(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))).isEmpty();
        assertThat(messages(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")))).isEmpty();
        // Nor anything else the CDK itself would print at synth.
        assertThat(messages(annotations.findError("*", Match.anyValue()))).isEmpty();
        assertThat(messages(annotations.findWarning("*", Match.anyValue()))).isEmpty();
    }

    @Test
    void phaseOneHasNoUnsuppressedAwsSolutionsFinding() {
        assertClean(TestStacks.phaseOne());
    }

    @Test
    void phaseTwoHasNoUnsuppressedAwsSolutionsFinding() {
        assertClean(TestStacks.phaseTwo());
    }

    @Test
    void phaseTwoWithTheSpecOwnedGroupHasNoUnsuppressedAwsSolutionsFinding() {
        assertClean(TestStacks.phaseTwoSpecOwned());
    }

    @Test
    void everySuppressionGivesAReasonAReviewerCanCheck() {
        List<String> suppressions = new ArrayList<>();
        for (TestStacks.Synth synth : List.of(TestStacks.phaseOne(), TestStacks.phaseTwo())) {
            Map<?, ?> resources = (Map<?, ?>) synth.template().toJSON().get("Resources");
            resources.forEach((id, r) -> {
                Object metadata = ((Map<?, ?>) r).get("Metadata");
                if (!(metadata instanceof Map<?, ?> m) || !(m.get("cdk_nag") instanceof Map<?, ?> nag)) return;
                for (Object s : (List<?>) nag.get("rules_to_suppress")) {
                    Map<?, ?> suppression = (Map<?, ?>) s;
                    String reason = String.valueOf(suppression.get("reason"));
                    suppressions.add(id + " " + suppression.get("id"));
                    assertThat(reason.split("\\s+")).as(id + " " + suppression.get("id") + ": " + reason).hasSizeGreaterThan(12);
                }
            });
        }
        assertThat(suppressions).isNotEmpty();
        assertThat(suppressions).noneMatch(s -> s.contains("AwsSolutions-IAM4"));
    }
}
