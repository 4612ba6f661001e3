package com.qualisys.cli.local;

import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import com.qualisys.controlplane.state.LeaseFence;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The environment's lease held by a command of this process (e.g. {@code qualisys apply}). It is given
 * back when the command ends, and also when the process is interrupted (Ctrl-C, SIGTERM: the JVM runs
 * its shutdown hooks), so an interrupted apply does not block the next one until the lease expires;
 * any write the interrupted command still attempts is then refused by the fence. Only kill -9 leaves
 * the lease behind, until it expires.
 */
public final class HeldLease implements AutoCloseable {
    private final ApplyLock lock;
    private final Duration duration;
    private final Thread onInterrupt;
    private volatile Lease lease;

    private HeldLease(ApplyLock lock, Lease lease, Duration duration) {
        this.lock = lock;
        this.lease = lease;
        this.duration = duration;
        this.onInterrupt = new Thread(this::releaseQuietly, "release-lease-" + lease.environment());
        Runtime.getRuntime().addShutdownHook(onInterrupt);
    }

    /** Takes the environment's lease or throws LockHeldException naming the holder. */
    public static HeldLease acquire(ApplyLock lock, String environment, String command, Duration duration) {
        return new HeldLease(lock, lock.acquire(environment, holder(command), duration), duration);
    }

    /** Who holds the lease, as others see it: the command, the local user and host, the process id. */
    public static String holder(String command) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return command + " by " + System.getProperty("user.name") + "@" + host + " (pid " + ManagementFactory.getRuntimeMXBean().getPid() + ")";
    }

    public Lease lease() {
        return lease;
    }

    public LeaseFence fence() {
        return lock.fence(lease);
    }

    /** Extends the lease (between layers); LeaseLostException if another run took it over. */
    public void renew() {
        lease = lock.renew(lease, duration);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: it releases
        }
        lock.release(lease);
    }

    private void releaseQuietly() {
        try {
            lock.release(lease);
            System.err.println("interrupted: released the lease on " + lease.environment());
        } catch (RuntimeException e) {
            System.err.println("interrupted: could not release the lease on " + lease.environment() + ": " + e.getMessage());
        }
    }
}
