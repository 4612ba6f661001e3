package com.qualisys.controlplane.events.security;

/**
 * What became of one remediation step: DONE (the call changed the resource), ALREADY_DONE (the live state
 * was already repaired: no mutating call), HANDED_OFF (a drift check for the state machine), FAILED (the
 * call was refused; detail says why, without secrets).
 */
public record StepOutcome(RemediationStep step, Status status, String detail) {
    public enum Status { DONE, ALREADY_DONE, HANDED_OFF, FAILED }
}
