package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.WriteFence;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.FencedOutException;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.state.LockHeldException;
import com.qualisys.controlplane.testing.CrashAfter;
import com.qualisys.controlplane.testing.MovableClock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The VPC layer applied under the environment's lease, on the emulator: a writer whose lease expired
 * and was taken over is refused by its fencing token before it writes anything; a reconciler without a
 * lease refuses to write; and an apply killed at writes spread over it (no release: the process is gone, as
 * with kill -9) blocks the next run until its lease expires, after which the next run takes over and
 * converges without duplicates and gives the lease back.
 */
class FencedApplyTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static final Duration LEASE = Duration.ofMinutes(15);
    private final MotoServer moto = MotoServer.shared();
    private final MovableClock clock = new MovableClock(Instant.now());

    @Test
    void aWriterWhoseLeaseExpiredAndWasTakenOverWritesNothing() {
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            ApplyLock lock = lockTable(aws);
            Lease slow = lock.acquire("dev", "provision exec-slow", LEASE);
            clock.advance(LEASE);
            Lease next = lock.acquire("dev", "qualisys apply by bob", LEASE);
            aws.calls().reset();

            assertThatThrownBy(() -> vpc(aws).fencedBy(lock.fence(slow)).apply("vpc", false))
                    .isInstanceOf(FencedOutException.class)
                    .hasMessageContaining("fencing token " + slow.generation())
                    .hasMessageContaining("qualisys apply by bob holds it now with fencing token " + next.generation());
            assertThat(aws.calls().mutatingByOperation()).as("only the refused fence check").containsOnlyKeys("DynamoDb.UpdateItem");
            assertThat(VpcCrashSafetyTest.inventory(aws.ec2())).containsEntry("vpcs", 0).containsEntry("subnets", 0);
        }
    }

    @Test
    void aReconcilerWithoutALeaseRefusesToWrite() {
        moto.reset();
        try (AwsClients aws = moto.clients()) {
            assertThatThrownBy(() -> vpc(aws).fencedBy(WriteFence.READ_ONLY).apply("vpc", false))
                    .hasMessageContaining("refusing to CREATE vpc/vpc/main in layer vpc: this reconciler holds no lease on the environment");
            assertThat(aws.calls().mutating()).isZero();
        }
    }

    @Test
    void anApplyKilledAtAnyWriteBlocksUntilItsLeaseExpiresThenTheNextRunConvergesWithoutDuplicates() {
        moto.reset();
        int total;
        Map<String, Integer> clean;
        try (AwsClients aws = moto.clients()) {
            ApplyLock lock = lockTable(aws);
            lock.withLease("dev", "clean run", LEASE, fence -> vpc(aws).fencedBy(fence).apply("vpc", false));
            total = aws.calls().mutatingByOperation().entrySet().stream().filter(e -> e.getKey().startsWith("Ec2."))
                    .mapToInt(Map.Entry::getValue).sum();
            clean = VpcCrashSafetyTest.inventory(aws.ec2());
        }
        // VpcCrashSafetyTest kills the apply at every one of its writes (convergence alone); the lock's part is the same at
        // every write, so here the kill points are spread over the apply: the first writes, the middle, the last.
        for (int k : java.util.stream.IntStream.of(0, 1, total / 4, total / 2, 3 * total / 4, total - 1).distinct().toArray()) {
            moto.reset();
            try (AwsClients aws = moto.clients(); AwsClients dying = moto.clients(new CrashAfter(k))) {
                ApplyLock lock = lockTable(aws);
                Lease killed = lock.acquire("dev", "qualisys apply (killed)", LEASE);
                try {
                    vpc(dying).fencedBy(lock.fence(killed)).apply("vpc", false);
                    fail("k=" + k + ": the run should have died before write " + (k + 1));
                } catch (CrashAfter.SimulatedCrash expected) {
                    // kill -9: no finally, no shutdown hook; the lease stays behind
                }
                assertThatThrownBy(() -> lock.acquire("dev", "qualisys apply (rerun)", LEASE)).as("k=%d", k)
                        .isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.holder()).isEqualTo("qualisys apply (killed)"));
                clock.advance(LEASE);
                Lease rerun = lock.acquire("dev", "qualisys apply (rerun)", LEASE);
                assertThat(rerun.takenOverFrom()).isEqualTo("qualisys apply (killed)");
                vpc(aws).fencedBy(lock.fence(rerun)).apply("vpc", false);
                lock.release(rerun);

                assertThat(vpc(aws).plan("vpc").changes()).as("k=%d: drift after the rerun", k).isEmpty();
                assertThat(VpcCrashSafetyTest.inventory(aws.ec2())).as("k=%d: what the account holds", k).isEqualTo(clean);
                assertThat(lock.current("dev")).as("k=%d: the lease is given back", k).isEmpty();
                assertThatThrownBy(() -> lock.fence(killed).beforeWrite("vpc: late write")).isInstanceOf(FencedOutException.class);
            }
        }
    }

    private static Reconciler vpc(AwsClients aws) {
        return new Reconciler(SPEC, aws, List.of(new VpcLayer()));
    }

    private ApplyLock lockTable(AwsClients aws) {
        String table = SPEC.state().lockTable();
        aws.dynamoDb().createTable(r -> r.tableName(table)
                .keySchema(k -> k.attributeName(ApplyLock.PARTITION_KEY).keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName(ApplyLock.PARTITION_KEY).attributeType(ScalarAttributeType.S))
                .billingMode("PAY_PER_REQUEST"));
        return new ApplyLock(aws.dynamoDb(), table, clock);
    }
}
