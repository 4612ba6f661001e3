package com.qualisys.controlplane.attribution;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * Names who changed each drifted resource of a drift report: one paginated CloudTrail LookupEvents
 * scan of the write events since the environment's last clean check (LookupEvents allows 2
 * requests per second per account and region, so never one lookup per resource), matched to the
 * resources by id ({@link Attribution}). The control plane's own identity (sts:GetCallerIdentity)
 * labels its own calls. Attribution is best effort: a report without it is still a drift report.
 */
public final class ChangeAttribution {
    /** How far back LookupEvents reaches. */
    public static final Duration RETENTION = Duration.ofDays(90);
    /** Pages are spaced to stay within 2 LookupEvents requests per second. */
    private static final long PAGE_SPACING_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeAttribution.class);

    private ChangeAttribution() {}

    /** The report with authors for its drifted resources; unchanged when there is no drift or CloudTrail cannot be read. */
    public static Report attribute(Report report, AwsClients aws, Instant since) {
        if (!report.hasChanges()) return report;
        Instant from = since.isBefore(report.generatedAt().minus(RETENTION)) ? report.generatedAt().minus(RETENTION) : since;
        try {
            String self = aws.sts().getCallerIdentity().arn();
            return report.withAuthors(Attribution.authors(report.layers(), scan(aws, from), self));
        } catch (SdkException e) {
            LOG.warn("drift report for {} without attribution: CloudTrail could not be read ({})", report.environment(), e.getClass().getSimpleName());
            return report;
        }
    }

    /** Every write management event since the given time: one paginated LookupEvents scan. */
    static List<TrailEvent> scan(AwsClients aws, Instant since) {
        List<TrailEvent> out = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            LookupEventsResponse response = aws.cloudTrail().lookupEvents(r -> r.startTime(since).maxResults(50).nextToken(page)
                    .lookupAttributes(a -> a.attributeKey(LookupAttributeKey.READ_ONLY).attributeValue("false")));
            response.events().forEach(e -> out.add(TrailEvent.of(e)));
            token = response.nextToken();
            if (token != null) pause();
        } while (token != null);
        return out;
    }

    private static void pause() {
        try {
            Thread.sleep(PAGE_SPACING_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning CloudTrail", e);
        }
    }
}
