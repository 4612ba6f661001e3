package com.qualisys.controlplane.events.budget;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.Granularity;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinitionType;
import software.amazon.awssdk.services.costexplorer.model.MetricValue;

/** The services that cost the most in a period: Cost Explorer GetCostAndUsage grouped by SERVICE (read-only). */
public final class CostDrivers {
    static final String METRIC = "UnblendedCost";

    private CostDrivers() {}

    public static List<ServiceCost> topServices(CostExplorerClient ce, LocalDate from, LocalDate toExclusive, int count) {
        LocalDate end = toExclusive.isAfter(from) ? toExclusive : from.plusDays(1);
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        String token = null;
        do {
            String next = token;
            GetCostAndUsageResponse page = ce.getCostAndUsage(r -> r
                    .timePeriod(p -> p.start(from.toString()).end(end.toString()))
                    .granularity(Granularity.MONTHLY)
                    .metrics(METRIC)
                    .groupBy(g -> g.type(GroupDefinitionType.DIMENSION).key("SERVICE"))
                    .nextPageToken(next));
            page.resultsByTime().forEach(period -> period.groups().forEach(group -> {
                MetricValue v = group.metrics().get(METRIC);
                if (v == null || v.amount() == null || group.keys().isEmpty()) return;
                String service = group.keys().getFirst();
                totals.merge(service, new BigDecimal(v.amount()), BigDecimal::add);
                units.putIfAbsent(service, v.unit());
            }));
            token = page.nextPageToken();
        } while (token != null && !token.isEmpty());
        return totals.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(count)
                .map(e -> new ServiceCost(e.getKey(), e.getValue(), units.get(e.getKey())))
                .toList();
    }
}
