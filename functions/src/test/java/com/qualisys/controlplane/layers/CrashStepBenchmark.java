package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What starting a crash-at-every-step point from an empty emulator costs, two ways: a moto reset (what
 * VpcCrashSafetyTest did per step) and a fresh emulated account (what it and CrashSafetyTest do now), each
 * with the step's first read, as ratios to one DescribeVpcs measured in the same run. Not part of the build (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions -am test -Dtest=CrashStepBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class CrashStepBenchmark {
    private static final int ROUNDS = 5;

    @Test
    void emptyEmulatorPerStepResetVersusFreshAccount() {
        MotoServer moto = MotoServer.shared();
        double reset = median(() -> {
            moto.reset();
            try (AwsClients aws = moto.clients()) {
                aws.ec2().describeVpcs();
            }
        });
        double fresh = median(() -> {
            try (AwsClients aws = EmulatedAccount.fresh().clients()) {
                aws.ec2().describeVpcs();
            }
        });
        double baseline;
        try (AwsClients aws = EmulatedAccount.fresh().clients()) {
            baseline = median(() -> aws.ec2().describeVpcs());
        }
        System.out.printf("CrashStepBenchmark (median of %d): one DescribeVpcs %.1f ms = 1.0; moto reset + first read %.0f ms = %.0fx;"
                + " fresh account + first read %.1f ms = %.1fx%n", ROUNDS, baseline, reset, reset / baseline, fresh, fresh / baseline);
    }

    private static double median(Runnable r) {
        r.run(); // warm-up
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long t = System.nanoTime();
            r.run();
            ms.add((System.nanoTime() - t) / 1e6);
        }
        ms.sort(null);
        return ms.get(ROUNDS / 2);
    }
}
