package com.qualisys.controlplane.database.rotation;

/** What one rotation step did; {@code changed} is false when a repeated step found its work done. */
public record RotationOutcome(String secretName, String versionId, RotationStep step, boolean changed, String detail) {}
