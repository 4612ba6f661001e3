package com.qualisys.cli;

import com.qualisys.controlplane.engine.LayerFailure;
import com.qualisys.controlplane.engine.Plan;
import java.io.PrintWriter;

/** Live per-layer progress of plan, drift and apply, on stderr (stdout carries the result). */
final class LayerProgress {
    private final PrintWriter err;
    private final String kind;
    private long startedAt;

    LayerProgress(PrintWriter err, String kind) {
        this.err = err;
        this.kind = kind;
    }

    void started(String layer, int index, int count) {
        startedAt = System.nanoTime();
        err.println("[" + (index + 1) + "/" + count + "] " + layer + ": " + (kind.equals("apply") ? "applying" : "checking") + "...");
        err.flush();
    }

    void planned(Plan plan) {
        int n = plan.changes().size();
        String what = n == 0 ? (kind.equals("drift") ? "no drift" : "no changes")
                : n + (kind.equals("drift") ? " drifted resource(s)" : " change(s)");
        done(plan.layer(), what);
    }

    void done(String layer, String what) {
        err.println("      " + layer + ": " + what + " (" + seconds() + ")");
        err.flush();
    }

    void failed(LayerFailure failure, Throwable cause) {
        err.println("      " + failure.layer() + (kind.equals("apply") ? ": not applied: " : ": not checked: ") + failure.reason() + " (" + seconds() + ")");
        if (QualisysCli.debug()) cause.printStackTrace(err);
        err.flush();
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startedAt) / 1e9);
    }
}
