package com.qualisys.controlplane.events;

import software.amazon.awssdk.services.sns.SnsClient;

/** The one I/O step of notifying: publish a rendered notification to the alert topic. */
public final class NotificationPublisher {
    private final SnsClient sns;
    private final String topicArn;

    public NotificationPublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** Publishes and returns the SNS message id. */
    public String publish(Notification notification) {
        return sns.publish(r -> r.topicArn(topicArn).subject(notification.subject()).message(notification.body())).messageId();
    }
}
