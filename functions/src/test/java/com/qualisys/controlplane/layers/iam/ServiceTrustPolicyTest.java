package com.qualisys.controlplane.layers.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Service and IRSA trust policies on the one policy-document model: refs and the OIDC issuer filled in, read back equal. */
class ServiceTrustPolicyTest {
    static final String ACCOUNT = "123456789012";
    static final String PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123";
    static final String PROVIDER_REF = "ref:eks/oidc-provider/qualisys-eks";
    static final Function<String, String> RESOLVE = v -> v.equals(PROVIDER_REF) ? PROVIDER_ARN : v;

    @Test
    void anIrsaRoleTrustsOnlyItsOwnServiceAccountThroughTheClustersOidcProvider() {
        String json = PolicyDocument.toJson(PolicyDocument.concrete(
                TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "cluster-autoscaler"), ACCOUNT, RESOLVE));

        assertThat(json).contains("\"Federated\":[\"" + PROVIDER_ARN + "\"]")
                .contains("\"oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub\":\"system:serviceaccount:kube-system:cluster-autoscaler\"")
                .contains("\"oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud\":\"sts.amazonaws.com\"")
                .contains("sts:AssumeRoleWithWebIdentity")
                .doesNotContain(PROVIDER_REF).doesNotContain(PolicyDocument.OIDC_ISSUER);
    }

    @Test
    void theLiveDocumentReadsBackAsTheDesiredOne() {
        Map<String, Object> desired = TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "aws-load-balancer-controller");
        Map<String, Object> concrete = PolicyDocument.concrete(desired, ACCOUNT, RESOLVE);
        String live = URLEncoder.encode(PolicyDocument.toJson(concrete), StandardCharsets.UTF_8);

        assertThat(PolicyDocument.observed(live, ACCOUNT, desired, concrete)).isSameAs(desired);
    }

    @Test
    void aWildcardServiceAccountAddedOutOfBandIsADifference() {
        Map<String, Object> desired = TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "cluster-autoscaler");
        Map<String, Object> concrete = PolicyDocument.concrete(desired, ACCOUNT, RESOLVE);
        String loosened = PolicyDocument.toJson(concrete).replace("\"StringEquals\"", "\"StringLike\"")
                .replace("system:serviceaccount:kube-system:cluster-autoscaler", "system:serviceaccount:*:*");

        Map<String, Object> observed = PolicyDocument.observed(loosened, ACCOUNT, desired, concrete);
        assertThat(observed).isNotEqualTo(desired);
        assertThat(PolicyDocument.toJson(observed)).contains("StringLike").doesNotContain("StringEquals")
                .contains("arn:aws:iam::" + PolicyDocument.ACCOUNT_ID + ":oidc-provider/");
    }

    @Test
    void aServiceTrustWithAListPrincipalEqualsTheSingleStringForm() {
        Map<String, Object> desired = TrustPolicy.service("ec2.amazonaws.com");
        String live = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"ec2.amazonaws.com\"]},"
                + "\"Action\":[\"sts:AssumeRole\"]}]}";
        assertThat(PolicyDocument.observed(live, ACCOUNT, desired, PolicyDocument.concrete(desired, ACCOUNT, RESOLVE))).isSameAs(desired);
    }

    @Test
    void anIssuerKeyWithoutAnOidcProviderIsRefused() {
        Map<String, Object> broken = TrustPolicy.serviceAccount("arn:aws:iam::123456789012:root", "ns", "sa");
        assertThatThrownBy(() -> PolicyDocument.concrete(broken, ACCOUNT, RESOLVE))
                .hasMessageContaining("{issuer}:aud").hasMessageContaining("Federated OIDC provider");
    }
}
