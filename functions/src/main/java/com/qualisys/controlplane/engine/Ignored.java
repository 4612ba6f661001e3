package com.qualisys.controlplane.engine;

/**
 * The recurring reasons for not comparing a field of an AWS model. A reason specific to one field
 * is written where that field is decided.
 */
public final class Ignored {
    private Ignored() {}

    public static final String IDENTITY = "identifier or ARN of the resource itself, assigned by AWS";
    public static final String READ_ONLY = "set by AWS, no API changes it (owner, creation time, counters, derived values)";
    public static final String STATUS = "status reported by AWS, not a setting";
    public static final String OUTPOSTS = "AWS Outposts / Wavelength / Local Zones only; not settable on a resource in a Region's AZ";
    public static final String FIXED_AT_CREATION = "fixed when the control plane creates the resource; no API changes it afterwards";
    public static final String SAME_AS = "the same fact as the compared attribute ";

    /** A field that restates another field that is compared. */
    public static String sameAs(String comparedField) {
        return SAME_AS + comparedField;
    }
}
