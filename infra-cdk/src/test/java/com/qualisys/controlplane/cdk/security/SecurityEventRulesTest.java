package com.qualisys.controlplane.cdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.events.security.SecurityEventPatterns;
import com.qualisys.controlplane.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.events.EventPattern;

class SecurityEventRulesTest {

    @Test
    void everyPatternOfTheEventsPackageMapsFieldForField() {
        var dev = SpecLoader.fromDirectory(RepoPaths.root().resolve("environments")).load("dev");
        for (SecurityEventPatterns.EventRule r : SecurityEventPatterns.rules(dev)) {
            EventPattern p = SecurityEventRules.toEventPattern(r.name(), r.patternJson());
            assertThat(p.getSource()).as(r.name()).hasSize(1);
            assertThat(p.getDetailType()).containsExactly("AWS API Call via CloudTrail");
            assertThat(p.getDetail()).containsKeys("eventSource", "eventName", "errorCode");
        }
    }

    @Test
    void aFieldTheAppDoesNotMapIsRejectedNamingThePattern() {
        assertThatThrownBy(() -> SecurityEventRules.toEventPattern("odd", "{\"source\":[\"aws.iam\"],\"time\":[\"x\"]}"))
                .hasMessageContaining("security event pattern odd").hasMessageContaining("[time]");
        assertThatThrownBy(() -> SecurityEventRules.toEventPattern("odd", "{\"source\":[{\"prefix\":\"aws.\"}]}"))
                .hasMessageContaining("source").hasMessageContaining("must be a list of strings");
        assertThatThrownBy(() -> SecurityEventRules.toEventPattern("odd", "not json"))
                .hasMessageContaining("security event pattern odd is not a JSON object");
    }
}
