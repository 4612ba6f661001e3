package com.qualisys.controlplane.layers.monitoring;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Ignored;
import java.util.List;
import software.amazon.awssdk.services.budgets.model.Budget;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.Subscriber;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailStatusResponse;
import software.amazon.awssdk.services.cloudtrail.model.ListTagsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.costexplorer.model.AnomalyMonitor;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetBucketLifecycleConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetBucketPolicyResponse;
import software.amazon.awssdk.services.s3.model.GetBucketTaggingResponse;
import software.amazon.awssdk.services.s3.model.GetPublicAccessBlockResponse;
import software.amazon.awssdk.services.sns.model.GetTopicAttributesResponse;
import software.amazon.awssdk.services.sns.model.ListTagsForResourceResponse;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;

/** What drift does with every field AWS returns for the monitoring layer's kinds. */
final class MonitoringDecisions {
    private static final String PAGINATION = "pagination of the response, not a setting";

    private MonitoringDecisions() {}

    static AttributeDecisions topic() {
        return AttributeDecisions.of(MonitoringDesired.TOPIC)
                .read("ListTopics", Topic.class)
                .ignore(Ignored.IDENTITY + " (the topic is found by its name)", "TopicArn")
                // A map: of its entries Policy and KmsMasterKeyId are compared; the others are counters
                // (SubscriptionsConfirmed, ...), the owner, DisplayName (the e-mail sender's name) and
                // DeliveryPolicy (retries to HTTP endpoints, which the topic does not have).
                .read("GetTopicAttributes", GetTopicAttributesResponse.class)
                .compare("Attributes", AlertTopic.POLICY + ", " + AlertTopic.KMS_KEY)
                .read("ListSubscriptionsByTopic", Subscription.class)
                // E-mail subscriptions and the control plane's own Lambda subscriptions; other protocols' endpoints
                // are someone else's (another team's queue) and never drift.
                .compare("Endpoint", "emailSubscriptions, controlPlaneSubscriptions")
                .compare("Protocol", "emailSubscriptions, controlPlaneSubscriptions")
                .ignore("an ARN, or PendingConfirmation until the recipient confirms; a pending subscription counts as present",
                        "SubscriptionArn")
                .ignore(Ignored.READ_ONLY, "Owner")
                .ignore(Ignored.sameAs("of ListTopics"), "TopicArn")
                .read("ListTagsForResource", ListTagsForResourceResponse.class)
                .compare("Tags", "tags")
                .build();
    }

    static AttributeDecisions budget() {
        return AttributeDecisions.of(MonitoringDesired.BUDGET)
                .read("DescribeBudgets", Budget.class)
                .compare("BudgetLimit", "limitUsd")
                .compare("TimeUnit", "timeUnit")
                .compare("BudgetType", "budgetType")
                // What the budget counts: a filter, a cost type, planned or auto-adjusted limits or an
                // earlier end let spend escape the alerts.
                .compare("CostFilters", CostBudgets.SCOPE)
                .compare("FilterExpression", CostBudgets.SCOPE)
                .compare("CostTypes", CostBudgets.SCOPE)
                .compare("PlannedBudgetLimits", CostBudgets.SCOPE)
                .compare("AutoAdjustData", CostBudgets.SCOPE)
                .compare("BillingViewArn", CostBudgets.SCOPE)
                .compare("Metrics", CostBudgets.SCOPE)
                .compare("TimePeriod.End", CostBudgets.SCOPE)
                .ignore("set by AWS to the start of the period in which the budget was made", "TimePeriod.Start")
                .ignore(Ignored.IDENTITY + " (budgets are identified by name)", "BudgetName")
                .ignore(Ignored.READ_ONLY + " (the spend so far)", "CalculatedSpend", "LastUpdatedTime")
                .ignore(Ignored.STATUS, "HealthStatus")
                .read("DescribeNotificationsForBudget", Notification.class)
                .compare("NotificationType", "notifications")
                .compare("ComparisonOperator", "notifications")
                .compare("Threshold", "notifications")
                .compare("ThresholdType", "notifications")
                .ignore(Ignored.STATUS + " (ALARM once the threshold was crossed)", "NotificationState")
                .read("DescribeSubscribersForNotification", Subscriber.class)
                .compare("SubscriptionType", "notifications")
                .compare("Address", "notifications")
                .build();
    }

    static AttributeDecisions anomalyMonitor() {
        return AttributeDecisions.of(MonitoringDesired.ANOMALY_MONITOR)
                .read("GetAnomalyMonitors", AnomalyMonitor.class)
                .compare("MonitorType", "monitorType")
                .compare("MonitorDimension", "monitorDimension")
                .ignore("only for CUSTOM monitors; the desired monitor is DIMENSIONAL, and a monitor of another type is"
                        + " replaced (monitorType is compared)", "MonitorSpecification")
                .ignore(Ignored.IDENTITY + " (monitors are found by name)", "MonitorArn", "MonitorName")
                .ignore(Ignored.READ_ONLY, "CreationDate", "LastUpdatedDate", "LastEvaluatedDate", "DimensionalValueCount")
                .build();
    }

    static AttributeDecisions anomalySubscription() {
        return AttributeDecisions.of(MonitoringDesired.ANOMALY_SUBSCRIPTION)
                .read("GetAnomalySubscriptions", AnomalySubscription.class)
                .compare("Frequency", "frequency")
                .compare("MonitorArnList", "monitors")
                .compare("Subscribers", "subscribers")
                .compare("ThresholdExpression", "threshold")
                .compare("Threshold", "threshold")
                .ignore(Ignored.IDENTITY + " (subscriptions are found by name)", "SubscriptionArn", "SubscriptionName")
                .ignore(Ignored.READ_ONLY + " (the account the subscription is in)", "AccountId")
                .build();
    }

    static AttributeDecisions bucket() {
        return AttributeDecisions.of(MonitoringDesired.LOG_BUCKET)
                .read("ListBuckets", Bucket.class)
                .ignore(Ignored.IDENTITY + " (bucket names are global)", "Name", "BucketArn")
                .ignore(Ignored.READ_ONLY, "CreationDate")
                .ignore(Ignored.FIXED_AT_CREATION, "BucketRegion")
                .read("GetBucketEncryption", GetBucketEncryptionResponse.class)
                .compare("ServerSideEncryptionConfiguration.Rules[].ApplyServerSideEncryptionByDefault", "encryption")
                .ignore("applies to SSE-KMS only; the compared algorithm is AES256 (SSE-S3)",
                        "ServerSideEncryptionConfiguration.Rules[].BucketKeyEnabled")
                .ignore("which encryption types a client may not ask for on upload; the trail's objects take the compared"
                        + " default", "ServerSideEncryptionConfiguration.Rules[].BlockedEncryptionTypes")
                .read("GetPublicAccessBlock", GetPublicAccessBlockResponse.class)
                .compare("PublicAccessBlockConfiguration", "publicAccessBlock")
                .read("GetBucketPolicy", GetBucketPolicyResponse.class)
                .compare("Policy", "policy")
                .read("GetBucketLifecycleConfiguration", GetBucketLifecycleConfigurationResponse.class)
                .compare("Rules[].ID", "lifecycle")
                .compare("Rules[].Status", "lifecycle")
                .compare("Rules[].Prefix", "lifecycle")
                .compare("Rules[].Filter.Prefix", "lifecycle")
                .compare("Rules[].Expiration.Days", "lifecycle")
                .compare("Rules[].Filter.Tag", "lifecycle")
                .compare("Rules[].Filter.ObjectSizeGreaterThan", "lifecycle")
                .compare("Rules[].Filter.ObjectSizeLessThan", "lifecycle")
                .compare("Rules[].Filter.And", "lifecycle")
                .compare("Rules[].Expiration.Date", "lifecycle")
                .ignore("applies to versioned buckets only; the log bucket is not versioned",
                        "Rules[].Expiration.ExpiredObjectDeleteMarker", "Rules[].NoncurrentVersionTransitions",
                        "Rules[].NoncurrentVersionExpiration")
                .ignore("moves logs to a cheaper storage class before they expire; never keeps them longer (gap: not"
                        + " compared)", "Rules[].Transitions", "TransitionDefaultMinimumObjectSize")
                .ignore("CloudTrail writes each log file in one PUT; no multipart uploads are left to abort",
                        "Rules[].AbortIncompleteMultipartUpload")
                .read("GetBucketTagging", GetBucketTaggingResponse.class)
                .compare("TagSet", "tags")
                .build();
    }

    static AttributeDecisions trail() {
        return AttributeDecisions.of(MonitoringDesired.TRAIL)
                .read("DescribeTrails", Trail.class)
                .compare("S3BucketName", "bucket")
                .compare("IncludeGlobalServiceEvents", "globalServiceEvents")
                .compare("IsMultiRegionTrail", "multiRegion")
                .compare("LogFileValidationEnabled", "logFileValidation")
                // Where and how the logs go besides the bucket: a key nobody may use, a prefix the readers do not
                // look under, a log group that costs per GB.
                .compare("S3KeyPrefix", ManagementTrail.DELIVERY)
                .compare("KmsKeyId", ManagementTrail.DELIVERY)
                .compare("SnsTopicName", ManagementTrail.DELIVERY)
                .compare("CloudWatchLogsLogGroupArn", ManagementTrail.DELIVERY)
                .compare("CloudWatchLogsRoleArn", ManagementTrail.DELIVERY)
                .ignore(Ignored.sameAs("delivery.snsTopic"), "SnsTopicARN")
                .ignore(Ignored.sameAs("eventSelectors"), "HasCustomEventSelectors")
                .ignore("CloudTrail Insights (charged per event analysed) is read by GetInsightSelectors, which drift does not"
                        + " call (gap: not compared)", "HasInsightSelectors")
                .ignore("the control plane manages a trail of one account; organization trails are made in the management"
                        + " account", "IsOrganizationTrail")
                .ignore(Ignored.IDENTITY + " (trails are identified by name)", "Name", "TrailARN")
                .ignore(Ignored.FIXED_AT_CREATION, "HomeRegion")
                .read("GetTrailStatus", GetTrailStatusResponse.class)
                .compare("IsLogging", "logging")
                .ignore(Ignored.STATUS + " (delivery times and errors)", "LatestDeliveryError", "LatestNotificationError",
                        "LatestDeliveryTime", "LatestNotificationTime", "StartLoggingTime", "StopLoggingTime",
                        "LatestCloudWatchLogsDeliveryError", "LatestCloudWatchLogsDeliveryTime", "LatestDigestDeliveryTime",
                        "LatestDigestDeliveryError", "LatestDeliveryAttemptTime", "LatestNotificationAttemptTime",
                        "LatestNotificationAttemptSucceeded", "LatestDeliveryAttemptSucceeded", "TimeLoggingStarted",
                        "TimeLoggingStopped")
                .read("GetEventSelectors", GetEventSelectorsResponse.class)
                .compare("EventSelectors", "eventSelectors")
                .compare("AdvancedEventSelectors", "eventSelectors")
                .ignore(Ignored.sameAs("of DescribeTrails"), "TrailARN")
                .read("ListTags", ListTagsResponse.class)
                .compare("ResourceTagList[].TagsList", "tags")
                .ignore(Ignored.sameAs("of DescribeTrails"), "ResourceTagList[].ResourceId")
                .ignore(PAGINATION, "NextToken")
                .build();
    }
}
