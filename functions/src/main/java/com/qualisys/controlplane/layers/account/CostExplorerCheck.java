package com.qualisys.controlplane.layers.account;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.CostExplorerException;
import software.amazon.awssdk.services.costexplorer.model.DataUnavailableException;
import software.amazon.awssdk.services.costexplorer.model.Granularity;

/**
 * Whether Cost Explorer answers for this account. Cost anomaly detection and the budget
 * responses depend on it, and it can only be enabled once by hand in the Billing console, so
 * its absence stops apply before any change with a message that says what to do.
 *
 * <p>One GetCostAndUsage request over yesterday (AWS bills each Cost Explorer API request,
 * USD 0.01 at the time of writing, so this runs in preflight only, not in drift checks).
 */
public final class CostExplorerCheck {
    private final CostExplorerClient ce;
    private final Clock clock;

    public CostExplorerCheck(CostExplorerClient ce, Clock clock) {
        this.ce = ce;
        this.clock = clock;
    }

    public void requireAvailable() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try {
            ce.getCostAndUsage(r -> r.timePeriod(p -> p.start(today.minusDays(1).toString()).end(today.toString()))
                    .granularity(Granularity.DAILY).metrics("UnblendedCost"));
        } catch (DataUnavailableException e) {
            // Enabled, but the first data takes up to a day to arrive: anomaly monitors can be created.
        } catch (CostExplorerException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if ("AccessDeniedException".equals(code) && message != null && message.toLowerCase().contains("not enabled")) {
                throw new CostExplorerUnavailableException("Cost Explorer is not enabled for this account (account.costExplorerRequired "
                        + "is true): enable it once in the Billing and Cost Management console; AWS offers no API for that");
            }
            throw new CostExplorerUnavailableException("cannot check that Cost Explorer is available: " + code + ": " + message
                    + " (the control plane needs ce:GetCostAndUsage)");
        }
    }

    /** Cost Explorer cannot be used by this account: apply stops before any change. */
    public static final class CostExplorerUnavailableException extends IllegalStateException {
        public CostExplorerUnavailableException(String message) {
            super(message);
        }
    }
}
