package com.qualisys.controlplane.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.constructs.IConstruct;

/** cdk-nag suppressions, each with the reason a reviewer reads in the code and in the nag report. */
final class Nag {
    private Nag() {}

    /** Suppresses one rule on a construct and its children. */
    static void suppress(IConstruct construct, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
    }

    /**
     * Suppresses one rule for the named findings only: "Resource::*", "Action::kms:GenerateDataKey*",
     * or "regex:/.../" for a pattern of findings.
     */
    static void suppress(IConstruct construct, String rule, String reason, List<String> appliesTo) {
        List<Object> findings = appliesTo.stream().<Object>map(a -> a.startsWith("regex:")
                ? RegexAppliesTo.builder().regex(a.substring("regex:".length())).build() : a).toList();
        NagSuppressions.addResourceSuppressions(construct,
                List.of(NagPackSuppression.builder().id(rule).reason(reason).appliesTo(findings).build()), true);
    }
}
