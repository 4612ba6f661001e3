package com.qualisys.controlplane.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The two topics people subscribe to: alerts (failures, approval requests, alarms) and drift
 * (drift reports). Both are KMS-encrypted with a key CloudWatch may use, so alarms can publish.
 * A spoke's phase 2 has an alert topic of its own ({@link #forDatabaseFunctions}): the alarms of the
 * functions it runs in the environment's account.
 */
final class Alerting extends Construct {
    static final String ALERT_TOPIC = "qualisys-control-plane-alerts";
    static final String DRIFT_TOPIC = "qualisys-control-plane-drift";

    final Key key;
    final Topic alertTopic;
    /** Null in a spoke: drift reports are the hub's. */
    final Topic driftTopic;

    Alerting(Construct scope, String id, String alertEmail) {
        this(scope, id, alertEmail, "qualisys-control-plane", ALERT_TOPIC, DRIFT_TOPIC);
    }

    /**
     * The alarms of the database functions in an environment's account: their own topic and key there (named
     * per environment, so a spoke in the hub's account collides with nothing of the hub's).
     */
    static Alerting forDatabaseFunctions(Construct scope, String id, String environment, String alertEmail) {
        String prefix = "qualisys-control-plane-db-" + environment;
        return new Alerting(scope, id, alertEmail, prefix, prefix + "-alerts", null);
    }

    private Alerting(Construct scope, String id, String alertEmail, String keyName, String alertTopicName, String driftTopicName) {
        super(scope, id);
        key = Key.Builder.create(this, "TopicKey")
                .alias("alias/" + keyName + "-topics")
                .description("Encrypts the QUALISYS control plane's SNS topics")
                .enableKeyRotation(true)
                .build();
        // CloudWatch alarms publish to an encrypted topic only if the key lets CloudWatch use it.
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsToPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                .build());
        alertTopic = topic("AlertTopic", alertTopicName, "QUALISYS control plane alerts", alertEmail);
        driftTopic = driftTopicName == null ? null : topic("DriftTopic", driftTopicName, "QUALISYS drift reports", alertEmail);
    }

    private Topic topic(String id, String name, String displayName, String email) {
        Topic topic = Topic.Builder.create(this, id)
                .topicName(name)
                .displayName(displayName)
                .masterKey(key)
                .enforceSsl(true)
                .build();
        // The TLS-only topic policy replaces SNS's default one; CloudWatch alarms need an explicit allow.
        topic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarms")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(topic.getTopicArn()))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
                .build());
        topic.addSubscription(new EmailSubscription(email));
        return topic;
    }

    /** Publishing to a topic, with what SNS does with the topics' key on the publisher's behalf. */
    static void grantPublish(Topic topic, software.amazon.awscdk.services.iam.IGrantable grantee) {
        topic.grantPublish(grantee);
        Unexercised.because("SNS encrypts a published message with the topics' key on the publisher's behalf: the code"
                + " never calls KMS for it", "kms:Decrypt", "kms:GenerateDataKey*");
    }

    /** An alarm to the alert topic when the metric reaches the threshold in one period. */
    Alarm alarmAtLeast(Construct scope, String id, IMetric metric, double threshold, String description) {
        Alarm alarm = Alarm.Builder.create(scope, id)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description)
                .build();
        alarm.addAlarmAction(new SnsAction(alertTopic));
        return alarm;
    }

    /** A message left in a dead-letter queue is a delivery that nobody will retry. */
    Alarm alarmOnDeadLetters(Construct scope, String id, IQueue queue, String what) {
        return alarmAtLeast(scope, id, queue.metricApproximateNumberOfMessagesVisible(), 1,
                "Undelivered " + what + " are waiting in " + queue.getNode().getPath());
    }

    /**
     * The topics accept publications only from the control plane's own roles (functions and state
     * machines, all under the role path) and from AWS services the topic policy allows (CloudWatch
     * alarms): in the same account an identity policy alone would otherwise let any principal with
     * sns:Publish post a forged alert or approval request.
     */
    void publishersOnly(String rolePath) {
        for (Topic topic : java.util.stream.Stream.of(alertTopic, driftTopic).filter(java.util.Objects::nonNull).toList()) {
            topic.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("OnlyTheControlPlanePublishes")
                    .effect(Effect.DENY)
                    .principals(List.of(new AnyPrincipal()))
                    .actions(List.of("sns:Publish"))
                    .resources(List.of(topic.getTopicArn()))
                    .conditions(Map.of(
                            "ArnNotLike", Map.of("aws:PrincipalArn", "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":role" + rolePath + "*"),
                            "Bool", Map.of("aws:PrincipalIsAWSService", "false")))
                    .build());
        }
    }
}
