package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.aws.ApiCallCounter;
import com.qualisys.controlplane.testing.TestSpecs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The apply a test kills with SIGKILL ({@link KilledApplyProcessTest}): in its own JVM, it takes dev's
 * lease and applies the VPC layer against the emulator, fenced by the lease, and stops before its
 * (k+1)-th mutating AWS call, saying so on stdout, until the test kills it.
 *
 * <pre>ApplyUntilKilled ENDPOINT REGION LOCK_TABLE HOLDER K LEASE_SECONDS</pre>
 */
public final class ApplyUntilKilled {
    static final String PAUSED = "PAUSED before mutating call #";

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String table = args[2];
        String holder = args[3];
        int allowed = Integer.parseInt(args[4]);
        Duration lease = Duration.ofSeconds(Long.parseLong(args[5]));
        EnvironmentSpec spec = TestSpecs.load("dev");
        try (AwsClients lockClients = clients(endpoint, args[1]);
             AwsClients aws = clients(endpoint, args[1], new PauseBefore(allowed))) {
            ApplyLock lock = new ApplyLock(lockClients.dynamoDb(), table, Clock.systemUTC());
            Lease taken = lock.acquire("dev", holder, lease);
            System.out.println("LEASE " + taken.leaseId());
            System.out.flush();
            new Reconciler(spec, aws, List.of(new VpcLayer())).fencedBy(lock.fence(taken)).apply("vpc", false);
            lock.release(taken);
            System.out.println("DONE");
        }
    }

    private static AwsClients clients(URI endpoint, String region, ExecutionInterceptor... interceptors) {
        AwsClients.Builder b = AwsClients.builder().region(region).endpoint(endpoint.toString())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        for (ExecutionInterceptor i : interceptors) b.interceptor(i);
        return b.build();
    }

    /** Holds the process before its (k+1)-th mutating call, after telling the test, which then kills it. */
    private static final class PauseBefore implements ExecutionInterceptor {
        private final int allowed;
        private final AtomicInteger seen = new AtomicInteger();

        PauseBefore(int allowed) {
            this.allowed = allowed;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            String op = ApiCallCounter.name(attributes);
            if (ApiCallCounter.isMutating(op) && seen.incrementAndGet() > allowed) {
                System.out.println(PAUSED + seen.get() + " (" + op + ")");
                System.out.flush();
                try {
                    Thread.sleep(Duration.ofMinutes(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("not killed within 10 minutes");
            }
        }
    }
}
