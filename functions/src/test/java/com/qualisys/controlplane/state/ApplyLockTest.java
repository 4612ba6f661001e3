package com.qualisys.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.testing.MovableClock;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** One writer per environment: the apply lease in the lock table, as the seed's Terraform state lock. */
class ApplyLockTest {
    private static final String TABLE = TestSpecs.load("dev").state().lockTable();
    /** A 15-minute lease: the figures below are written for it (the spec's own value is an hour). */
    private static final Duration LEASE = Duration.ofMinutes(15);
    private static AwsClients aws;
    private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private final ApplyLock lock = new ApplyLock(aws.dynamoDb(), TABLE, clock);

    @BeforeAll
    static void lockTableAsTheCdkAppCreatesIt() {
        // Through the front door, as the product's clients go: it makes DynamoDB's conditional writes atomic,
        // which moto's threaded server alone does not (two racing acquires could both win there).
        LocalAws.shared().reset();
        aws = LocalAws.shared().clients();
        createLockTable(aws, TABLE);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    /** The schema ApplyLock documents (and the CDK app must create): key lockId (S), TTL on expiresAt. */
    static void createLockTable(AwsClients aws, String table) {
        aws.dynamoDb().createTable(r -> r.tableName(table)
                .keySchema(k -> k.attributeName(ApplyLock.PARTITION_KEY).keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName(ApplyLock.PARTITION_KEY).attributeType(ScalarAttributeType.S))
                .billingMode("PAY_PER_REQUEST"));
        aws.dynamoDb().updateTimeToLive(r -> r.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(ApplyLock.TTL_ATTRIBUTE).enabled(true)));
    }

    @Test
    void aSecondRunForTheSameEnvironmentFailsFastNamingTheHolderAndExpiry() {
        Lease lease = lock.acquire("lock-a", "provision exec-1 (alice)", LEASE);
        assertThat(lease.expiresAt()).isEqualTo(Instant.parse("2025-06-01T12:15:00Z"));
        assertThatThrownBy(() -> lock.acquire("lock-a", "provision exec-2 (bob)", LEASE))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    assertThat(e.holder()).isEqualTo("provision exec-1 (alice)");
                    assertThat(e.expiresAt()).isEqualTo(Instant.parse("2025-06-01T12:15:00Z"));
                })
                .hasMessageContaining("environment lock-a is being applied by provision exec-1 (alice) (lease expires 2025-06-01T12:15:00Z)");
        assertThat(lock.current("lock-a")).hasValueSatisfying(l -> assertThat(l.leaseId()).isEqualTo(lease.leaseId()));
    }

    @Test
    void leasesAreTakenPerEnvironment() {
        lock.acquire("lock-b-dev", "run-1", LEASE);
        Lease staging = lock.acquire("lock-b-staging", "run-2", LEASE);
        assertThat(staging.holder()).isEqualTo("run-2");
    }

    @Test
    void twoConcurrentAppliesExactlyOneAcquiresTheOtherFailsFastNamingTheWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String env = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Lease>> runs = new ArrayList<>();
                for (String holder : List.of("thread-A", "thread-B")) {
                    Callable<Lease> apply = () -> {
                        start.await();
                        return lock.acquire(env, holder, LEASE);
                    };
                    runs.add(pool.submit(apply));
                }
                long t0 = System.nanoTime();
                start.countDown();
                List<Lease> winners = new ArrayList<>();
                List<LockHeldException> losers = new ArrayList<>();
                for (Future<Lease> run : runs) {
                    try {
                        winners.add(run.get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        losers.add((LockHeldException) e.getCause());
                    }
                }
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(winners).as("round %d", round).hasSize(1);
                assertThat(losers).as("round %d", round).singleElement()
                        .satisfies(l -> assertThat(l.holder()).isEqualTo(winners.get(0).holder()));
                assertThat(millis).as("the loser does not wait for the lease").isLessThan(10_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeaseLeftByACrashedRunExpiresAndIsTakenOver() {
        Lease crashed = lock.acquire("lock-c", "provision exec-crashed", LEASE);
        clock.advance(LEASE.minusSeconds(1));
        assertThatThrownBy(() -> lock.acquire("lock-c", "provision exec-next", LEASE)).isInstanceOf(LockHeldException.class);
        clock.advance(Duration.ofSeconds(1));
        Lease next = lock.acquire("lock-c", "provision exec-next", LEASE);
        assertThat(next.takenOverFrom()).isEqualTo("provision exec-crashed");
        assertThat(next.leaseId()).isNotEqualTo(crashed.leaseId());
        // The crashed run, if it woke up, can neither extend nor release what is no longer its lease.
        assertThatThrownBy(() -> lock.renew(crashed, LEASE)).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("provision exec-next holds the environment now");
        assertThatThrownBy(() -> lock.release(crashed)).isInstanceOf(LeaseLostException.class);
        assertThat(lock.current("lock-c")).hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo("provision exec-next"));
    }

    @Test
    void onlyTheHolderReleasesAndReleasingTwiceIsHarmless() {
        Lease lease = lock.acquire("lock-d", "run-1", LEASE);
        lock.release(lease);
        assertThat(lock.current("lock-d")).isEmpty();
        lock.release(lease);
        assertThat(lock.acquire("lock-d", "run-2", LEASE).takenOverFrom()).isNull();
    }

    @Test
    void aStateMachineReleasesByItsExecutionIdAndCannotReleaseAnotherRunsLease() {
        lock.acquire("lock-g", "arn:aws:states:us-east-1:123456789012:execution:provision:run-1", LEASE);
        assertThatThrownBy(() -> lock.release("lock-g", "arn:aws:states:us-east-1:123456789012:execution:provision:run-2"))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("execution:provision:run-1 holds the environment now");
        assertThat(lock.current("lock-g")).isPresent();
        lock.release("lock-g", "arn:aws:states:us-east-1:123456789012:execution:provision:run-1");
        assertThat(lock.current("lock-g")).isEmpty();
        lock.release("lock-g", "arn:aws:states:us-east-1:123456789012:execution:provision:run-1");
    }

    @Test
    void renewingExtendsTheLeaseForItsHolder() {
        Lease lease = lock.acquire("lock-e", "long-run", LEASE);
        clock.advance(Duration.ofMinutes(10));
        Lease renewed = lock.renew(lease, LEASE);
        assertThat(renewed.expiresAt()).isEqualTo(Instant.parse("2025-06-01T12:25:00Z"));
        clock.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> lock.acquire("lock-e", "other", LEASE)).isInstanceOf(LockHeldException.class);
    }

    @Test
    void theFencingTokenOnlyGrowsAcrossReleasesAndTakeovers() {
        Lease first = lock.acquire("lock-h", "run-1", LEASE);
        lock.release(first);
        Lease second = lock.acquire("lock-h", "run-2", LEASE);
        clock.advance(LEASE);
        Lease third = lock.acquire("lock-h", "run-3", LEASE);
        assertThat(List.of(first.generation(), second.generation(), third.generation())).containsExactly(1L, 2L, 3L);
        assertThat(third.takenOverFrom()).isEqualTo("run-2");
    }

    @Test
    void aWriterWhoseLeaseExpiredAndWasTakenOverIsFencedOut() {
        Lease stale = lock.acquire("lock-i", "provision exec-slow", LEASE);
        LeaseFence staleFence = lock.fence(stale);
        staleFence.beforeWrite("vpc: CREATE vpc/subnet/private-a");
        clock.advance(LEASE);
        Lease newer = lock.acquire("lock-i", "provision exec-next", LEASE);
        assertThat(newer.generation()).isGreaterThan(stale.generation());
        assertThatThrownBy(() -> staleFence.beforeWrite("vpc: CREATE vpc/subnet/private-b"))
                .isInstanceOf(FencedOutException.class)
                .hasMessageContaining("write refused (vpc: CREATE vpc/subnet/private-b)")
                .hasMessageContaining("fencing token " + stale.generation())
                .hasMessageContaining("provision exec-next holds it now with fencing token " + newer.generation());
        lock.fence(newer).beforeWrite("vpc: CREATE vpc/subnet/private-b");
        assertThat(lock.record("lock-i")).containsEntry("lastWrite", "vpc: CREATE vpc/subnet/private-b");
    }

    @Test
    void anExpiredLeaseNobodyTookOverStillCannotWrite() {
        Lease lease = lock.acquire("lock-j", "run-1", LEASE);
        clock.advance(LEASE);
        assertThatThrownBy(() -> lock.fence(lease).beforeWrite("iam: UPDATE iam/role/x"))
                .isInstanceOf(FencedOutException.class).hasMessageContaining("it expired at 2025-06-01T12:15:00Z");
    }

    @Test
    void unlockNeedsTheHoldersLeaseIdAndRecordsWhoUnlocked() {
        Lease gone = lock.acquire("lock-k", "qualisys apply by alice@laptop (pid 4242)", LEASE);
        assertThatThrownBy(() -> lock.forceUnlock("lock-k", "not-the-lease", "arn:aws:iam::123456789012:user/bob"))
                .hasMessageContaining("lease not-the-lease is not the lease on lock-k: it is held by qualisys apply by alice@laptop")
                .hasMessageContaining("nothing was unlocked");
        assertThat(lock.current("lock-k")).isPresent();
        lock.forceUnlock("lock-k", gone.leaseId(), "arn:aws:iam::123456789012:user/bob");
        assertThat(lock.current("lock-k")).isEmpty();
        assertThat(lock.record("lock-k")).containsEntry("unlockedBy", "arn:aws:iam::123456789012:user/bob")
                .containsEntry("lastHolder", "qualisys apply by alice@laptop (pid 4242)");
        assertThatThrownBy(() -> lock.fence(gone).beforeWrite("vpc: DELETE vpc/nat/a")).isInstanceOf(FencedOutException.class)
                .hasMessageContaining("the environment is not locked now");
        assertThatThrownBy(() -> lock.forceUnlock("lock-k", gone.leaseId(), "bob")).hasMessageContaining("environment lock-k is not locked");
    }

    @Test
    void aRefusalNamesTheLeaseIdThatUnlockNeeds() {
        Lease held = lock.acquire("lock-l", "provision exec-1", LEASE);
        assertThatThrownBy(() -> lock.acquire("lock-l", "qualisys apply", LEASE))
                .hasMessageContaining("qualisys unlock --env lock-l --lease " + held.leaseId());
    }

    @Test
    void aLeaseNeedsAHolderAndAPositiveDuration() {
        assertThatThrownBy(() -> lock.acquire("lock-f", " ", LEASE)).hasMessageContaining("a lease needs a holder");
        assertThatThrownBy(() -> lock.acquire("lock-f", "x", Duration.ZERO)).hasMessageContaining("lease duration must be positive");
    }
}
