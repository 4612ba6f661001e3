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
     * The events after {@code lastSeenId}: newest first, page by page, until a page reaches an
     * event already seen. A long history is read once, not again at every poll.
     */
    public List<HistoryEvent> after(String executionArn, long lastSeenId) {
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
