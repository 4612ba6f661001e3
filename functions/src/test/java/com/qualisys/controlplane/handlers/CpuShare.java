package com.qualisys.controlplane.handlers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU a Lambda function of a given memory size gets, imposed on {@link ColdStartBenchmark}'s child processes: Lambda
 * gives a function CPU in proportion to its memory, one vCPU at 1,769 MB (AWS Lambda Developer Guide, "Configuring
 * function memory"), so a 1,024 MB function has 0.58 of a vCPU however many this host has. A CPU cgroup of the
 * benchmark's own holds that quota (cgroup v1's {@code cpu.cfs_quota_us} or v2's {@code cpu.max}, 100 ms periods);
 * {@link #wrap} starts a command in it. A process restored by CRIU goes back into the cgroup it was checkpointed in, so
 * a restored function stays under the quota while CRIU's own work, which Lambda's host does for a SnapStart restore,
 * does not. Needs root and a mounted CPU controller; fails saying so.
 */
final class CpuShare implements AutoCloseable {
    static final int MB_PER_VCPU = 1769;
    private static final int PERIOD_MICROS = 100_000;
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
    private static final Path V2 = Path.of("/sys/fs/cgroup");

    private final Path group;
    private final double vcpus;

    private CpuShare(Path group, double vcpus) {
        this.group = group;
        this.vcpus = vcpus;
    }

    /** The share of a function of {@code memoryMb}, in a new cgroup named for this benchmark run. */
    static CpuShare ofLambdaMemory(int memoryMb) {
        if (memoryMb <= 0) {
            throw new IllegalArgumentException("a CPU share needs a function's memory size (qualisys.bench.memoryMb), got " + memoryMb);
        }
        double vcpus = (double) memoryMb / MB_PER_VCPU;
        long quota = Math.round(vcpus * PERIOD_MICROS);
        String name = "qualisys-bench-" + ProcessHandle.current().pid();
        try {
            if (Files.isRegularFile(V1.resolve("cpu.cfs_quota_us"))) {
                Path group = Files.createDirectories(V1.resolve(name));
                Files.writeString(group.resolve("cpu.cfs_period_us"), Integer.toString(PERIOD_MICROS));
                Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(quota));
                return new CpuShare(group, vcpus);
            }
            if (Files.isRegularFile(V2.resolve("cgroup.controllers"))
                    && List.of(Files.readString(V2.resolve("cgroup.controllers")).strip().split(" ")).contains("cpu")) {
                Files.writeString(V2.resolve("cgroup.subtree_control"), "+cpu");
                Path group = Files.createDirectories(V2.resolve(name));
                Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_MICROS);
                return new CpuShare(group, vcpus);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a CPU cgroup for " + memoryMb + " MB's share (needs root): " + e.getMessage(), e);
        }
        throw new IllegalStateException("no CPU cgroup controller to hold " + memoryMb + " MB's CPU share: neither "
                + V1.resolve("cpu.cfs_quota_us") + " nor a cpu entry in " + V2.resolve("cgroup.controllers"));
    }

    /**
     * The command, started in this share's cgroup (the shell moves itself in, then becomes the command: same pid);
     * arguments may be added to it.
     */
    List<String> wrap(List<String> command) {
        String joinThenRun = "echo $$ > \"$0\" && exec \"$@\"";
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", joinThenRun, group.resolve("cgroup.procs").toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Whether the process runs outside this share's cgroup: a checkpointed or restored function must not, or its figure is
     * not under the quota. An ended process (a zombie shows the root cgroup) is not running, so not outside.
     */
    boolean runsOutside(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
            if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) return false;
            return Files.readAllLines(proc.resolve("cgroup"), StandardCharsets.UTF_8).stream().noneMatch(this::isThisGroup);
        } catch (IOException e) {
            return false;
        }
    }

    /** A line of /proc/[pid]/cgroup, "id:controllers:path", that puts the process in this group: v1's cpu line or v2's. */
    private boolean isThisGroup(String line) {
        String[] fields = line.split(":", 3);
        if (fields.length < 3 || !fields[2].equals("/" + group.getFileName())) return false;
        return fields[1].isEmpty() || List.of(fields[1].split(",")).contains("cpu");
    }

    double vcpus() {
        return vcpus;
    }

    /**
     * How often the quota held the children back so far, from the cgroup's {@code cpu.stat}: evidence that it did,
     * restored processes included, e.g. "throttled in 412 of 3,120 periods (18,230 ms held back)".
     */
    String throttling() {
        try {
            Map<String, Long> stat = new HashMap<>();
            for (String line : Files.readAllLines(group.resolve("cpu.stat"), StandardCharsets.UTF_8)) {
                String[] kv = line.split(" ");
                if (kv.length == 2) stat.put(kv[0], Long.parseLong(kv[1]));
            }
            // v1 counts nanoseconds (throttled_time), v2 microseconds (throttled_usec).
            long heldMs = stat.containsKey("throttled_time") ? stat.get("throttled_time") / 1_000_000
                    : stat.getOrDefault("throttled_usec", 0L) / 1_000;
            return String.format("throttled in %,d of %,d periods (%,d ms held back)", stat.getOrDefault("nr_throttled", 0L),
                    stat.getOrDefault("nr_periods", 0L), heldMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the cgroup; every process in it must have ended. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(group);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + group + " (a process still in it?)", e);
        }
    }
}
