package com.qualisys.controlplane.approval;

/**
 * The approval cannot be accepted: its approver is the run's starter (or cannot be told apart from
 * it) where the environment requires another person. Nothing was applied; never retried.
 */
public class ApproverRefusedException extends RuntimeException {
    public ApproverRefusedException(String message) {
        super(message);
    }
}
