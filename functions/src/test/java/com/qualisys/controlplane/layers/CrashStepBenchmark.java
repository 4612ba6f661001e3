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

    /**
     * A reset after a test used many accounts: moto's own reset rebuilds every account's backends before dropping
     * them, so {@link MotoServer#reset()} restarts moto above {@code RESTART_ABOVE_ACCOUNTS} (8) accounts. Each
     * account is used as the VPC loop uses one (IAM and EC2); then the reset and the next test's first reads.
     */
    @Test
    void resetAfterManyAccountsRebuildVersusRestart() {
        MotoServer moto = MotoServer.shared();
        double baseline;
        try (AwsClients aws = EmulatedAccount.fresh().clients()) {
            baseline = median(() -> aws.ec2().describeVpcs());
        }
        double rebuild = median(() -> resetAfter(moto, 8));
        int restarts = moto.restarts();
        double restart = median(() -> resetAfter(moto, 9));
        System.out.printf("CrashStepBenchmark (median of %d): one DescribeVpcs %.1f ms = 1.0; reset after 8 accounts (moto's reset)"
                        + " + first reads %.0f ms = %.0fx; after 9 accounts (a restart: %d) + first reads %.0f ms = %.0fx%n",
                ROUNDS, baseline, rebuild, rebuild / baseline, moto.restarts() - restarts, restart, restart / baseline);
    }

    /** The time of the reset and the next first reads only (the accounts are used before the clock starts). */
    private static void resetAfter(MotoServer moto, int accounts) {
        moto.reset();
        for (int i = 0; i < accounts; i++) {
            try (AwsClients aws = EmulatedAccount.fresh().clients()) {
                aws.iam().listRoles();
                aws.ec2().describeVpcs();
            }
        }
        long t = System.nanoTime();
        moto.reset();
        try (AwsClients aws = EmulatedAccount.local().clients()) {
            aws.iam().listRoles();
            aws.ec2().describeVpcs();
        }
        ELAPSED.set(System.nanoTime() - t);
    }

    private static final ThreadLocal<Long> ELAPSED = new ThreadLocal<>();

    private static double median(Runnable r) {
        r.run(); // warm-up
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            ELAPSED.remove();
            long t = System.nanoTime();
            r.run();
            long elapsed = ELAPSED.get() != null ? ELAPSED.get() : System.nanoTime() - t;
            ms.add(elapsed / 1e6);
        }
        ms.sort(null);
        return ms.get(ROUNDS / 2);
    }
}
