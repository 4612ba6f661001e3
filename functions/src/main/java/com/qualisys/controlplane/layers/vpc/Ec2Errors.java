package com.qualisys.controlplane.layers.vpc;

import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** EC2 error codes that a repair may meet and safely pass over. */
final class Ec2Errors {
    static final String ASSOCIATION_NOT_FOUND = "InvalidAssociationID.NotFound";

    private Ec2Errors() {}

    /**
     * Runs a call that undoes a subnet association, accepting that the association is gone: when
     * two tables are repaired in one run, the one taking a subnet in may already have moved it
     * (moving a subnet replaces its association id).
     */
    static void ignoreAssociationGone(Runnable call) {
        try {
            call.run();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() == null || !ASSOCIATION_NOT_FOUND.equals(e.awsErrorDetails().errorCode())) throw e;
        }
    }
}
