package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The function's account comes from the ARN Lambda invokes it by, in each form Lambda uses; anything else is unknown. */
class InvokedFunctionTest {
    @Test
    void theAccountOfAnUnqualifiedAVersionedAndAnAliasedFunctionArn() {
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:eu-west-1:111122223333:function:qualisys-lock")).isEqualTo("111122223333");
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:eu-west-1:111122223333:function:qualisys-lock:7")).isEqualTo("111122223333");
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:us-east-1:123456789012:function:qualisys-db-init:live"))
                .isEqualTo("123456789012");
        assertThat(InvokedFunction.accountOf("arn:aws-us-gov:lambda:us-gov-west-1:444455556666:function:f")).isEqualTo("444455556666");
    }

    @Test
    void aMissingOrMalformedArnNamesNoAccount() {
        assertThat(InvokedFunction.accountOf(null)).isNull();
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:us-east-1:null:function:qualisys-lock")).isNull();
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:us-east-1:12345:function:qualisys-lock")).isNull();
        assertThat(InvokedFunction.accountOf("arn:aws:iam::111122223333:role/qualisys-lock")).isNull();
        assertThat(InvokedFunction.accountOf("arn:aws:lambda:us-east-1:111122223333:function:a:b:c")).isNull();
    }
}
