package com.qualisys.cli.aws;

import java.time.Duration;

/** Poll intervals: start short, double while nothing happens, never above the maximum. */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("poll interval must be > 0 and <= its maximum: " + initial + ", " + max);
        }
    }

    /** From a first interval in milliseconds; the maximum is fifteen times it. */
    public static Backoff startingAt(long millis) {
        return new Backoff(Duration.ofMillis(millis), Duration.ofMillis(millis * 15));
    }

    public Duration next(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
