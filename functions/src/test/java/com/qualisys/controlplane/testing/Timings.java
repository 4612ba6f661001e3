package com.qualisys.controlplane.testing;

import java.util.Arrays;
import java.util.List;

/**
 * Samples of one measured quantity (milliseconds, or a ratio to a baseline) and what the
 * benchmarks report of them: the median, and the spread as min..max. These machines are shared
 * and noisy: read the median, and the spread as a warning.
 */
public record Timings(double[] samples) {
    public Timings {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        samples = samples.clone();
        Arrays.sort(samples);
    }

    public static Timings of(List<Double> samples) {
        return new Timings(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Runs r n times and times each run. */
    public static Timings repeat(int n, Runnable r) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) s[i] = millis(r);
        return new Timings(s);
    }

    /** Wall time of one run of r, in milliseconds. */
    public static double millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1e6;
    }

    public double median() {
        int n = samples.length;
        return n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    }

    public double min() {
        return samples[0];
    }

    public double max() {
        return samples[samples.length - 1];
    }

    public int count() {
        return samples.length;
    }

    /** "median (min..max)" with the given number of decimals. */
    public String describe(int decimals) {
        String f = "%." + decimals + "f";
        return String.format(f + " (" + f + ".." + f + ")", median(), min(), max());
    }

    /** "median (min..max)" as multiples of baseline, one decimal: what the benchmarks report against a trivial run. */
    public String describeRatioTo(double baseline) {
        return String.format("%.1f (%.1f..%.1f)", median() / baseline, min() / baseline, max() / baseline);
    }
}
