package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource policies of the monitoring layer, with the account id as
 * {@link PolicyDocument#ACCOUNT_ID}. Pure.
 */
final class AccessPolicies {
    private static final String ACCOUNT = PolicyDocument.ACCOUNT_ID;

    private AccessPolicies() {}

    static String topicArn(String region, String topic) {
        return "arn:aws:sns:" + region + ":" + ACCOUNT + ":" + topic;
    }

    static String trailArn(String region, String trail) {
        return "arn:aws:cloudtrail:" + region + ":" + ACCOUNT + ":trail/" + trail;
    }

    /**
     * The alert topic: this account manages it; AWS Budgets and Cost Anomaly Detection, and only they,
     * publish to it, on behalf of this account (they refuse a topic that does not allow them). In the
     * same account an identity policy alone would let any principal publish a forged budget alert:
     * the deny shuts out every publisher that is not an AWS service (the Allow statements name the
     * only two services allowed in).
     */
    static Map<String, Object> alertTopic(String region, String topic) {
        String arn = topicArn(region, topic);
        return document(
                statement("AccountManagesTopic", "Allow", Map.of("AWS", "arn:aws:iam::" + ACCOUNT + ":root"),
                        List.of("SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic"),
                        arn, null),
                statement("BudgetsPublish", "Allow", Map.of("Service", "budgets.amazonaws.com"), "SNS:Publish", arn,
                        Map.of("StringEquals", Map.of("aws:SourceAccount", ACCOUNT),
                                "ArnLike", Map.of("aws:SourceArn", "arn:aws:budgets::" + ACCOUNT + ":*"))),
                statement("CostAnomalyDetectionPublish", "Allow", Map.of("Service", "costalerts.amazonaws.com"), "SNS:Publish", arn,
                        Map.of("StringEquals", Map.of("aws:SourceAccount", ACCOUNT))),
                statement("OnlyCostServicesPublish", "Deny", "*", "SNS:Publish", arn,
                        Map.of("Bool", Map.of("aws:PrincipalIsAWSService", "false"))));
    }

    /**
     * The CloudTrail log bucket: the trail (and only this trail) may check the bucket ACL and
     * write under AWSLogs/&lt;account&gt;/ with the owner in full control; nothing reaches it
     * without TLS.
     */
    static Map<String, Object> trailBucket(String bucket, String region, String trail) {
        String trailArn = trailArn(region, trail);
        String bucketArn = "arn:aws:s3:::" + bucket;
        Map<String, Object> cloudTrail = Map.of("Service", "cloudtrail.amazonaws.com");
        return document(
                statement("CloudTrailAclCheck", "Allow", cloudTrail, "s3:GetBucketAcl", bucketArn,
                        Map.of("StringEquals", Map.of("aws:SourceArn", trailArn))),
                statement("CloudTrailWrite", "Allow", cloudTrail, "s3:PutObject", bucketArn + "/AWSLogs/" + ACCOUNT + "/*",
                        Map.of("StringEquals", Map.of("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailArn))),
                statement("DenyInsecureTransport", "Deny", "*", "s3:*", List.of(bucketArn, bucketArn + "/*"),
                        Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
    }

    @SafeVarargs
    private static Map<String, Object> document(Map<String, Object>... statements) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Version", "2012-10-17");
        doc.put("Statement", List.of(statements));
        return doc;
    }

    private static Map<String, Object> statement(String sid, String effect, Object principal, Object action, Object resource,
                                                 Map<String, Object> condition) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Sid", sid);
        s.put("Effect", effect);
        s.put("Principal", principal);
        s.put("Action", action);
        s.put("Resource", resource);
        if (condition != null) s.put("Condition", condition);
        return s;
    }
}
