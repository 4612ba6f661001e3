package com.qualisys.controlplane.layers.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.Differ;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TrustPolicyTest {
    static final String PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123";
    static final String PROVIDER_REF = "ref:eks/oidc-provider/qualisys-eks";
    static final Function<Object, String> RESOLVE = v -> v.equals(PROVIDER_REF) ? PROVIDER_ARN : String.valueOf(v);
    static final Function<String, String> REF_OR_RAW = v -> v.equals(PROVIDER_ARN) ? PROVIDER_REF : v;

    @Test
    void anIrsaRoleTrustsOnlyItsOwnServiceAccountThroughTheClustersOidcProvider() {
        String json = TrustPolicy.render(TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "cluster-autoscaler"), RESOLVE);

        assertThat(json).contains("\"Federated\":[\"" + PROVIDER_ARN + "\"]")
                .contains("\"oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub\":\"system:serviceaccount:kube-system:cluster-autoscaler\"")
                .contains("\"oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud\":\"sts.amazonaws.com\"")
                .contains("sts:AssumeRoleWithWebIdentity");
    }

    @Test
    void theLiveDocumentReadsBackEqualToTheDesiredOne() {
        List<Map<String, Object>> desired = TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "aws-load-balancer-controller");
        String live = URLEncoder.encode(TrustPolicy.render(desired, RESOLVE), StandardCharsets.UTF_8);

        assertThat(Differ.sameValue(desired, TrustPolicy.canonical(live, REF_OR_RAW))).isTrue();
    }

    @Test
    void aWildcardServiceAccountAddedOutOfBandIsADifference() {
        List<Map<String, Object>> desired = TrustPolicy.serviceAccount(PROVIDER_REF, "kube-system", "cluster-autoscaler");
        String loosened = TrustPolicy.render(desired, RESOLVE).replace("\"StringEquals\"", "\"StringLike\"")
                .replace("system:serviceaccount:kube-system:cluster-autoscaler", "system:serviceaccount:*:*");

        assertThat(Differ.sameValue(desired, TrustPolicy.canonical(loosened, REF_OR_RAW))).isFalse();
    }

    @Test
    void aServiceTrustWithASingleStringPrincipalEqualsTheListForm() {
        String live = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
                + "\"Action\":\"sts:AssumeRole\"}}";
        assertThat(Differ.sameValue(TrustPolicy.service("ec2.amazonaws.com"), TrustPolicy.canonical(live, REF_OR_RAW))).isTrue();
    }
}
