package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What starting a crash-at-every-step point from an empty emulator costs, two ways: a moto reset (what
 * VpcCrashSafetyTest did per step) and a fresh emulated account (what it and CrashSafetyTest do now), each
 * with the step's first read, as ratios to the work of a step itself (one clean VPC apply) measured in the
 * same run. Not part of the build (surefire excludes *Benchmark). Run:
 * {@code ./mvnw -q -pl functions -am test -Dtest=CrashStepBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class CrashStepBenchmark {
    private static final int ROUNDS = 5;
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");

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
        double apply = median(() -> {
            try (AwsClients aws = EmulatedAccount.fresh().clients()) {
                new Reconciler(SPEC, aws, List.of(new VpcLayer())).apply("vpc", false);
            }
        });
        System.out.printf("CrashStepBenchmark (median of %d): clean VPC apply %.0f ms = 1.0; moto reset + first read %.0f ms = %.2f;"
                + " fresh account + first read %.0f ms = %.3f; a step (about two applies) with a reset costs %.2fx one in a fresh account%n",
                ROUNDS, apply, reset, reset / apply, fresh, fresh / apply, (reset + 2 * apply) / (fresh + 2 * apply));
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
