package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.state.LockHeldException;
import com.qualisys.controlplane.testing.MovableClock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * kill -9 of a real apply: a separate JVM ({@link ApplyUntilKilled}) takes dev's lease and applies the
 * VPC layer against the emulator; the test kills it with SIGKILL before its first, a middle and its last
 * mutating call (no finally, no shutdown hook runs). The lease it leaves blocks the rerun, naming the
 * dead run, until it expires; then the rerun takes over, converges to exactly what a clean run makes and
 * gives the lease back, and the dead run's fencing token is refused. ({@link FencedApplyTest} does the
 * same in-process at more kill points; {@code VpcCrashSafetyTest} kills at every write for convergence.)
 */
class KilledApplyProcessTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static final Duration LEASE = Duration.ofMinutes(15);
    private final MotoServer moto = MotoServer.shared();

    @Test
    void anApplyKilledWithSigkillAtAWriteLeavesALeaseThatExpiresAndTheRerunConvergesWithoutDuplicates() throws Exception {
        moto.reset();
        int total;
        Map<String, Integer> clean;
        try (AwsClients aws = moto.clients()) {
            createLockTable(aws);
            ApplyLock lock = new ApplyLock(aws.dynamoDb(), SPEC.state().lockTable(), new MovableClock(Instant.now()));
            lock.withLease("dev", "clean run", LEASE, fence -> vpc(aws).fencedBy(fence).apply("vpc", false));
            total = aws.calls().mutatingByOperation().entrySet().stream().filter(e -> e.getKey().startsWith("Ec2."))
                    .mapToInt(Map.Entry::getValue).sum();
            clean = VpcCrashSafetyTest.inventory(aws.ec2());
        }
        for (int k : IntStream.of(0, total / 2, total - 1).distinct().toArray()) {
            moto.reset();
            try (AwsClients aws = moto.clients()) {
                createLockTable(aws);
                String holder = "qualisys apply (killed at write " + (k + 1) + ")";
                Process child = start(holder, k);
                ProcessHandle handle = child.toHandle();
                List<String> said = untilPaused(child);
                assertThat(said).as("k=%d: the child stopped before a write", k).anyMatch(l -> l.startsWith(ApplyUntilKilled.PAUSED + (k + 1) + " ("));
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(handle.pid())).inheritIO().start();
                assertThat(kill.waitFor()).isZero();
                assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("k=%d: the killed JVM is gone", k).isTrue();
                assertThat(child.exitValue()).as("k=%d: died of SIGKILL (128 + 9)", k).isEqualTo(137);

                // The leases' time as this test sees it from now on (after the child took its lease): moved past the dead
                // run's lease instead of waiting for it.
                MovableClock clock = new MovableClock(Instant.now());
                ApplyLock lock = new ApplyLock(aws.dynamoDb(), SPEC.state().lockTable(), clock);

                assertThatThrownBy(() -> lock.acquire("dev", "qualisys apply (rerun)", LEASE)).as("k=%d", k)
                        .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).isEqualTo(holder));
                clock.advance(LEASE);
                Lease rerun = lock.acquire("dev", "qualisys apply (rerun)", LEASE);
                assertThat(rerun.takenOverFrom()).isEqualTo(holder);
                vpc(aws).fencedBy(lock.fence(rerun)).apply("vpc", false);
                lock.release(rerun);

                assertThat(vpc(aws).plan("vpc").changes()).as("k=%d: drift after the rerun", k).isEmpty();
                assertThat(VpcCrashSafetyTest.inventory(aws.ec2())).as("k=%d: what the account holds", k).isEqualTo(clean);
                assertThat(lock.current("dev")).as("k=%d: the lease is given back", k).isEmpty();
            }
        }
    }

    private Process start(String holder, int k) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classpath, ApplyUntilKilled.class.getName(), moto.endpoint().toString(), MotoServer.REGION,
                SPEC.state().lockTable(), holder, Integer.toString(k), Long.toString(LEASE.toSeconds())));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The child's output up to the line saying it waits before a write (or until it ends). */
    private static List<String> untilPaused(Process child) throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
            if (line.startsWith(ApplyUntilKilled.PAUSED)) {
                // Keep draining its output so it never blocks on a full pipe before the kill.
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) { }
                    } catch (java.io.IOException gone) {
                        // the process was killed
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return lines;
            }
        }
        throw new AssertionError("the child ended without pausing: " + String.join("\n", lines));
    }

    private static Reconciler vpc(AwsClients aws) {
        return new Reconciler(SPEC, aws, List.of(new VpcLayer()));
    }

    private static void createLockTable(AwsClients aws) {
        aws.dynamoDb().createTable(r -> r.tableName(SPEC.state().lockTable())
                .keySchema(k -> k.attributeName(ApplyLock.PARTITION_KEY).keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName(ApplyLock.PARTITION_KEY).attributeType(ScalarAttributeType.S))
                .billingMode("PAY_PER_REQUEST"));
    }
}
