package com.qualisys.controlplane.cdk.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.services.events.EventPattern;

class SecurityEventRulesTest {

    @Test
    void aCloudTrailPatternMapsFieldForField() {
        EventPattern p = SecurityEventRules.toEventPattern("security-group-changes",
                InterimSecurityEventPatterns.SECURITY_GROUP_CHANGES);
        assertThat(p.getSource()).containsExactly("aws.ec2");
        assertThat(p.getDetailType()).containsExactly("AWS API Call via CloudTrail");
        assertThat(p.getDetail()).containsKey("eventName");
        assertThat(p.getDetail().get("eventName").toString()).contains("AuthorizeSecurityGroupIngress");
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
