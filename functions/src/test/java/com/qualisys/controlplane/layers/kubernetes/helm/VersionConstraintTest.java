package com.qualisys.controlplane.layers.kubernetes.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The seed's "Helm chart (~>9.29)" read as Terraform reads it. */
class VersionConstraintTest {

    @Test
    void pessimisticOnMinorAllowsNewerMinorsOfTheSameMajor() {
        VersionConstraint c = VersionConstraint.parse("~>9.29");
        assertThat(c.helmArgument()).isEqualTo(">=9.29.0 <10.0.0");
        assertThat(c.isSatisfiedBy("9.29.0")).isTrue();
        assertThat(c.isSatisfiedBy("9.43.2")).isTrue();
        assertThat(c.isSatisfiedBy("9.28.9")).isFalse();
        assertThat(c.isSatisfiedBy("10.0.0")).isFalse();
        assertThat(c.isSatisfiedBy("9.30.0-beta.1")).as("prereleases never satisfy a range").isFalse();
        assertThat(c.isSatisfiedBy("not-a-version")).isFalse();
    }

    @Test
    void pessimisticOnPatchAllowsOnlyNewerPatches() {
        VersionConstraint c = VersionConstraint.parse("~> 1.6.2");
        assertThat(c.helmArgument()).isEqualTo(">=1.6.2 <1.7.0");
        assertThat(c.isSatisfiedBy("1.6.9")).isTrue();
        assertThat(c.isSatisfiedBy("1.7.0")).isFalse();
        assertThat(c.isSatisfiedBy("1.6.1")).isFalse();
    }

    @Test
    void lowerBoundAndExactPins() {
        assertThat(VersionConstraint.parse(">=3.11").helmArgument()).isEqualTo(">=3.11.0");
        assertThat(VersionConstraint.parse(">=3.11").isSatisfiedBy("4.0.0")).isTrue();
        VersionConstraint exact = VersionConstraint.parse("3.11.0");
        assertThat(exact.helmArgument()).isEqualTo("3.11.0");
        assertThat(exact.isSatisfiedBy("3.11.0")).isTrue();
        assertThat(exact.isSatisfiedBy("3.11.1")).isFalse();
    }

    @Test
    void badConstraintsAreRejectedNamingTheText() {
        assertThatThrownBy(() -> VersionConstraint.parse("^9.29")).hasMessageContaining("'^9.29'");
        assertThatThrownBy(() -> VersionConstraint.parse("3.11")).hasMessageContaining("'3.11'").hasMessageContaining("all three parts");
    }
}
