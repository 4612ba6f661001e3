package com.qualisys.controlplane.events.budget;

import java.math.BigDecimal;

/** Month-to-date cost of one AWS service (Cost Explorer's SERVICE dimension). */
public record ServiceCost(String service, BigDecimal amount, String unit) {}
