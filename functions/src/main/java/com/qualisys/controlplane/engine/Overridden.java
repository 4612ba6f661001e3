package com.qualisys.controlplane.engine;

/** A difference that an active {@link AttributeOverride} explains: reported, never applied. */
public record Overridden(String logicalId, Difference difference, String overrideId, String cause) {}
