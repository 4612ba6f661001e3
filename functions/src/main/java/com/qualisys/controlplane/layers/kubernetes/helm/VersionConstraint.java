package com.qualisys.controlplane.layers.kubernetes.helm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's chart version constraints, written the Terraform way, and what they mean:
 * {@code ~>9.29} is {@code >=9.29.0 <10.0.0}, {@code ~>1.6.2} is {@code >=1.6.2 <1.7.0},
 * {@code >=3.11} has no upper bound, {@code 3.11.0} (or {@code =3.11.0}) is exact.
 * {@link #helmArgument()} is the same range in the syntax {@code helm --version} reads.
 * Prereleases never satisfy a range (as in Helm and Terraform), only an exact pin.
 *
 * @param upper exclusive upper bound, or null
 */
public record VersionConstraint(String text, ChartVersion lower, ChartVersion upper, boolean exact) {
    private static final Pattern FORM = Pattern.compile("(~>|>=|=)?\\s*(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    public static VersionConstraint parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("chart version constraint '" + text + "' is not like ~>9.29, >=3.11 or 1.6.2");
        }
        String op = m.group(1) == null ? "=" : m.group(1);
        int major = Integer.parseInt(m.group(2));
        Integer minor = m.group(3) == null ? null : Integer.parseInt(m.group(3));
        Integer patch = m.group(4) == null ? null : Integer.parseInt(m.group(4));
        ChartVersion lower = new ChartVersion(major, minor == null ? 0 : minor, patch == null ? 0 : patch, null);
        return switch (op) {
            case "~>" -> {
                // Only the right-most component given may grow.
                ChartVersion upper = patch != null ? new ChartVersion(major, minor + 1, 0, null)
                        : new ChartVersion(major + 1, 0, 0, null);
                yield new VersionConstraint(text, lower, upper, false);
            }
            case ">=" -> new VersionConstraint(text, lower, null, false);
            default -> {
                if (minor == null || patch == null) {
                    throw new IllegalArgumentException("chart version '" + text + "' pins a version: write all three parts, like 3.11.0");
                }
                yield new VersionConstraint(text, lower, null, true);
            }
        };
    }

    public boolean isSatisfiedBy(ChartVersion version) {
        if (exact) return version.compareTo(lower) == 0;
        if (version.isPrerelease()) return false;
        return version.compareTo(lower) >= 0 && (upper == null || version.compareTo(upper) < 0);
    }

    public boolean isSatisfiedBy(String version) {
        return ChartVersion.parse(version).map(this::isSatisfiedBy).orElse(false);
    }

    /** The argument of {@code helm --version}: Masterminds semver syntax, space meaning "and". */
    public String helmArgument() {
        if (exact) return lower.toString();
        return ">=" + lower + (upper == null ? "" : " <" + upper);
    }
}
