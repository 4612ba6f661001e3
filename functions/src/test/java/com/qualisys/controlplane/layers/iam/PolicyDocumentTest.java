package com.qualisys.controlplane.layers.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policy documents compare by meaning, never as strings. Pure: no AWS. */
class PolicyDocumentTest {

    private static final String CICD = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "EcrPush", "Effect": "Allow", "Action": ["ecr:PutImage", "ecr:GetAuthorizationToken"], "Resource": "*"},
              {"Sid": "DenySecrets", "Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}""";

    @Test
    void statementOrderListOrderAndSidsDoNotMatter() {
        String reordered = """
                {"Statement": [
                  {"Effect": "Deny", "Resource": ["*"], "Action": ["secretsmanager:GetSecretValue"]},
                  {"Sid": "Renamed", "Action": ["ecr:GetAuthorizationToken", "ecr:PutImage"], "Effect": "Allow", "Resource": ["*"]}],
                 "Version": "2012-10-17"}""";
        assertThat(PolicyDocument.equivalent(CICD, reordered)).isTrue();
    }

    @Test
    void aSingleValueEqualsAOneElementListAndDuplicatesCollapse() {
        String a = """
                {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}""";
        String b = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}""";
        assertThat(PolicyDocument.equivalent(a, b)).isTrue();
    }

    @Test
    void aDocumentAsIamReturnsItUrlEncodedEqualsTheOneWeSent() {
        String encoded = URLEncoder.encode(CICD, StandardCharsets.UTF_8).replace("+", "%20");
        assertThat(encoded).doesNotContain("{");
        assertThat(PolicyDocument.equivalent(encoded, CICD)).isTrue();
    }

    @Test
    void aPlusSignInAResourceSurvivesDecoding() {
        String doc = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b/*"}]}""";
        String encoded = URLEncoder.encode(doc, StandardCharsets.UTF_8);
        assertThat(PolicyDocument.equivalent(encoded, doc)).isTrue();
        assertThat(PolicyDocument.canonical(encoded).toString()).contains("a+b/*");
    }

    @Test
    void actionNamesAndConditionKeysAreCaseInsensitiveButConditionValuesAreNot() {
        String a = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"SNS:Publish","Resource":"*",
                  "Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}""";
        String b = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:publish","Resource":"*",
                  "Condition":{"StringEquals":{"AWS:SOURCEACCOUNT":["123456789012"]}}}]}""";
        String otherValue = b.replace("123456789012", "210987654321");
        assertThat(PolicyDocument.equivalent(a, b)).isTrue();
        assertThat(PolicyDocument.equivalent(a, otherValue)).isFalse();
    }

    @Test
    void starPrincipalEqualsAwsStarAndABareAccountEqualsItsRootArn() {
        String star = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}""";
        String awsStar = star.replace("\"Principal\":\"*\"", "\"Principal\":{\"AWS\":[\"*\"]}");
        assertThat(PolicyDocument.equivalent(star, awsStar)).isTrue();

        String bare = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}""";
        String root = bare.replace("\"123456789012\"", "\"arn:aws:iam::123456789012:root\"");
        assertThat(PolicyDocument.equivalent(bare, root)).isTrue();
    }

    @Test
    void aBooleanConditionValueEqualsItsText() {
        String text = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole",
                  "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}""";
        assertThat(PolicyDocument.equivalent(text, text.replace("\"true\"", "true"))).isTrue();
    }

    @Test
    void anAddedStatementARemovedConditionOrAnotherEffectIsADifference() {
        String added = CICD.replace("]}", ",{\"Effect\":\"Allow\",\"Action\":\"secretsmanager:*\",\"Resource\":\"*\"}]}");
        assertThat(PolicyDocument.equivalent(CICD, added)).isFalse();
        assertThat(PolicyDocument.equivalent(CICD, CICD.replace("\"Deny\"", "\"Allow\""))).isFalse();

        String mfa = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole",
                  "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}""";
        String noMfa = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}""";
        assertThat(PolicyDocument.equivalent(mfa, noMfa)).isFalse();
        assertThat(PolicyDocument.equivalent(noMfa, noMfa.replace("\"Action\"", "\"Condition\":{},\"Action\""))).isTrue();
    }

    @Test
    void aMissingVersionMeansTheLegacyVersion() {
        String legacy = """
                {"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        assertThat(PolicyDocument.equivalent(legacy, legacy.replace("{\"Statement\"", "{\"Version\":\"2008-10-17\",\"Statement\""))).isTrue();
        assertThat(PolicyDocument.equivalent(legacy, legacy.replace("{\"Statement\"", "{\"Version\":\"2012-10-17\",\"Statement\""))).isFalse();
    }

    @Test
    void aLiveDocumentThatMatchesOnceTheAccountIsFilledInIsReportedAsTheDesiredOne() {
        String live = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}""";
        Map<String, Object> desired = PolicyDocument.canonical("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{AccountId}}:root"},"Action":"sts:AssumeRole"}]}""");
        assertThat(PolicyDocument.observed(live, "123456789012", desired)).isEqualTo(desired);
        assertThat(PolicyDocument.render(desired, "123456789012")).contains("arn:aws:iam::123456789012:root").doesNotContain("{{");
    }

    @Test
    void anotherAccountStaysVisibleAndOnlyTheCallersAccountPositionsAreAbstracted() {
        Map<String, Object> desired = PolicyDocument.canonical("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{AccountId}}:root"},"Action":"sts:AssumeRole"}]}""");
        String otherAccount = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}""";
        assertThat(PolicyDocument.toJson(PolicyDocument.observed(otherAccount, "123456789012", desired))).contains("999999999999");

        String drifted = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"},
                 {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs-123456789012/*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}""";
        String shown = PolicyDocument.toJson(PolicyDocument.observed(drifted, "123456789012", desired));
        assertThat(shown).contains("arn:aws:iam::{{AccountId}}:root").contains("\"aws:sourceaccount\":[\"{{AccountId}}\"]")
                .contains("arn:aws:s3:::logs-123456789012/*");
    }

    @Test
    void anAccountIdInsideABucketNameIsPartOfTheNameNotTheAccount() {
        // A bucket named after its account is common: the name must not turn into the placeholder.
        Map<String, Object> desired = PolicyDocument.canonical("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
                  "Resource":"arn:aws:s3:::trail-logs-123456789012/AWSLogs/{{AccountId}}/*"}]}""");
        String live = PolicyDocument.render(desired, "123456789012");
        assertThat(PolicyDocument.observed(live, "123456789012", desired)).isEqualTo(desired);
    }

    @Test
    void aBrokenDocumentIsAClearErrorThatDoesNotEchoTheDocument() {
        assertThatThrownBy(() -> PolicyDocument.parse("{\"Version\": \"2012-10-17\", \"Statement\": [")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("policy document is not valid JSON");
        assertThatThrownBy(() -> PolicyDocument.parse("")).hasMessage("policy document is empty");
        assertThatThrownBy(() -> PolicyDocument.parse("[1]")).hasMessage("policy document is not a JSON object");
    }
}
