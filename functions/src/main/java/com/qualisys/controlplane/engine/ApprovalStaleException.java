package com.qualisys.controlplane.engine;

import java.util.List;

/**
 * The destructive changes found when applying are not the ones that were approved (something changed
 * while the approval waited): nothing was changed, and the new set needs its own approval.
 */
public class ApprovalStaleException extends ApprovalRequiredException {
    private final String approvedDigest;
    private final String currentDigest;

    public ApprovalStaleException(String layer, String approvedDigest, List<Change> changes) {
        super(layer, changes, "layer " + layer + ": the destructive changes are no longer the ones approved ("
                + approvedDigest + "); nothing was changed; now " + DestructiveApproval.digest(changes) + ": ");
        this.approvedDigest = approvedDigest;
        this.currentDigest = DestructiveApproval.digest(changes);
    }

    public String approvedDigest() {
        return approvedDigest;
    }

    public String currentDigest() {
        return currentDigest;
    }
}
