package com.qualisys.controlplane.layers.kubernetes.helm;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A chart's semantic version (MAJOR.MINOR.PATCH, optional -prerelease and +build). */
public record ChartVersion(int major, int minor, int patch, String prerelease) implements Comparable<ChartVersion> {
    private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Comparator<ChartVersion> ORDER = Comparator.comparingInt(ChartVersion::major)
            .thenComparingInt(ChartVersion::minor).thenComparingInt(ChartVersion::patch)
            // A release sorts after its prereleases (1.6.0-rc1 < 1.6.0).
            .thenComparing(v -> v.prerelease == null ? "~" : v.prerelease);

    public static Optional<ChartVersion> parse(String text) {
        if (text == null) return Optional.empty();
        Matcher m = SEMVER.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        return Optional.of(new ChartVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(4)));
    }

    public boolean isPrerelease() {
        return prerelease != null;
    }

    @Override
    public int compareTo(ChartVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (prerelease == null ? "" : "-" + prerelease);
    }
}
