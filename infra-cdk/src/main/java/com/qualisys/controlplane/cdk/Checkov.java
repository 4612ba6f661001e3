package com.qualisys.controlplane.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * checkov suppressions in the template (Metadata.checkov.skip), each with the reason a reviewer reads
 * here and checkov prints: what checkov flags on purpose, like cdk-nag's {@link Nag}.
 */
public final class Checkov {
    /** Why the log groups are not encrypted with a customer managed key (checkov CKV_AWS_158). */
    public static final String LOG_GROUP_KMS_REASON = "Log groups are encrypted at rest with CloudWatch Logs' own key; what the control plane logs carries no secrets (events.security.Redaction, no passwords in any output), so a customer key would add a key policy to maintain and no protection";
    /** Why queues use SSE-SQS (checkov CKV_AWS_27 only recognises KMS). */
    public static final String SQS_MANAGED_REASON = "Encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which checkov does not"
            + " recognise; the AWS managed KMS key would shut out EventBridge, whose service principal its key policy does not admit";
    private static final Map<CfnResource, List<Map<String, String>>> SKIPS = new WeakHashMap<>();

    private Checkov() {}

    /** Skips one check on the construct's CloudFormation resource (the construct itself, or its default child). */
    public static synchronized void skip(IConstruct construct, String check, String reason) {
        IConstruct c = construct instanceof CfnResource ? construct : construct.getNode().getDefaultChild();
        if (!(c instanceof CfnResource resource)) {
            throw new IllegalArgumentException(construct.getNode().getPath() + " has no CloudFormation resource to suppress " + check + " on");
        }
        List<Map<String, String>> skips = SKIPS.computeIfAbsent(resource, r -> new ArrayList<>());
        Map<String, String> skip = new LinkedHashMap<>();
        skip.put("id", check);
        skip.put("comment", reason);
        skips.add(skip);
        resource.addMetadata("checkov", Map.of("skip", List.copyOf(skips)));
    }
}
