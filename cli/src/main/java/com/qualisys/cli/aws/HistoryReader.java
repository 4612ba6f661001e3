package com.qualisys.cli.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** Reads an execution's history with GetExecutionHistory, page by page. */
public final class HistoryReader {
    static final int PAGE_SIZE = 100;
    private final SfnClient sfn;

    public HistoryReader(SfnClient sfn) {
        this.sfn = sfn;
    }

    /** Every event, oldest first. */
    public List<HistoryEvent> all(String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn).maxResults(PAGE_SIZE).includeExecutionData(true))
                .forEach(page -> events.addAll(page.events()));
        return events;
    }

    /**
     * The events after {@code lastSeenId}. A one-event probe (newest first, without data) tells
     * whether there are any; if so they are read newest first, page by page, until a page reaches
     * an event already seen. So a long history is read once, not again at every poll, and a poll
     * while nothing happens (an approval waiting for hours) costs one tiny call.
     */
    public List<HistoryEvent> after(String executionArn, long lastSeenId) {
        // The maximum, not the first: an emulator that ignores reverseOrder answers oldest first.
        long newest = sfn.getExecutionHistory(r -> r.executionArn(executionArn).reverseOrder(true).maxResults(1)
                .includeExecutionData(false)).events().stream().mapToLong(HistoryEvent::id).max().orElse(0);
        if (newest <= lastSeenId) return List.of();
        List<HistoryEvent> fresh = new ArrayList<>();
        String token = null;
        do {
            String pageToken = token;
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(r -> r.executionArn(executionArn).reverseOrder(true)
                    .maxResults(PAGE_SIZE).includeExecutionData(true).nextToken(pageToken));
            boolean reachedSeen = false;
            for (HistoryEvent e : page.events()) {
                if (e.id() > lastSeenId) fresh.add(e);
                else reachedSeen = true;
            }
            if (reachedSeen) break;
            token = page.nextToken();
        } while (token != null);
        return fresh;
    }
}
