package com.qualisys.cli;

import picocli.CommandLine.Option;

/**
 * --emulator (or QUALISYS_EMULATOR=true): the user says the endpoint is a local emulator. Never
 * inferred from the endpoint's address: a loopback tunnel to a real account must keep real
 * credentials, real waits and no bootstrap resources.
 */
final class EmulatorOption {
    static final String ENVIRONMENT_VARIABLE = "QUALISYS_EMULATOR";

    @Option(names = "--emulator", defaultValue = "${env:" + ENVIRONMENT_VARIABLE + ":-false}",
            description = "The endpoint is a local AWS emulator (`./qualisys emulator`): sign with its test credentials unless AWS"
                    + " credentials are set, create what the CDK app would have deployed (topics, report bucket, lock table) and skip"
                    + " Wait states and retry intervals (unless --wait-scale is given). Default: " + ENVIRONMENT_VARIABLE + ", else false.")
    boolean emulator;

    /** The wait scale: an explicit --wait-scale, else 0 for an emulator, else real time. */
    double waitScale(Double explicit) {
        if (explicit != null) {
            if (!(explicit >= 0) || explicit.isInfinite()) throw new IllegalArgumentException("--wait-scale must be a finite number >= 0, got " + explicit);
            return explicit;
        }
        return emulator ? 0 : 1;
    }
}
