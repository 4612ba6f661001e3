package com.qualisys.controlplane.approval;

/**
 * CloudTrail holds no record of the answer yet. CloudTrail delivers management events to its event
 * history within minutes of the call, not at once, so the state machine retries for a while.
 */
public class ApprovalNotRecordedException extends RuntimeException {
    public ApprovalNotRecordedException(String message) {
        super(message);
    }
}
