package com.qualisys.controlplane.layers.vpc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.model.IpPermission;

import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/** EC2 error codes that a repair may meet and safely pass over. */
public final class Ec2Errors {
    static final String ASSOCIATION_NOT_FOUND = "InvalidAssociationID.NotFound";
    /** Authorizing a rule the group already has. */
    public static final String RULE_DUPLICATE = "InvalidPermission.Duplicate";
    /** Revoking a rule the group no longer has. */
    public static final String RULE_NOT_FOUND = "InvalidPermission.NotFound";

    private Ec2Errors() {}

    /**
     * Authorizes or revokes security group rules when another writer may have done it first (a
     * redelivered event's second response, a repair racing a remediation): EC2 refuses the whole call
     * if one rule is already there ({@value #RULE_DUPLICATE}) or already gone ({@value #RULE_NOT_FOUND}),
     * so on that code each rule is sent alone and the ones already done are passed over.
     *
     * @return the rules that were already done (empty when the call went through as one)
     */
    public static List<IpPermission> rulesIdempotently(List<IpPermission> rules, Consumer<List<IpPermission>> call, String alreadyDone) {
        if (rules.isEmpty()) return List.of();
        try {
            call.accept(rules);
            return List.of();
        } catch (Ec2Exception e) {
            if (!hasCode(e, alreadyDone)) throw e;
        }
        List<IpPermission> already = new ArrayList<>();
        for (IpPermission rule : rules) {
            try {
                call.accept(List.of(rule));
            } catch (Ec2Exception e) {
                if (!hasCode(e, alreadyDone)) throw e;
                already.add(rule);
            }
        }
        return already;
    }

    private static boolean hasCode(Ec2Exception e, String code) {
        return e.awsErrorDetails() != null && code.equals(e.awsErrorDetails().errorCode());
    }

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
