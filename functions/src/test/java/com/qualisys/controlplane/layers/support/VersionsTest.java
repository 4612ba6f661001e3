package com.qualisys.controlplane.layers.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VersionsTest {

    @Test
    void theNearestKubernetesVersionToAnExpiredOneIsTheNextMinor() {
        assertThat(Versions.nearest("1.29", List.of("1.33", "1.31", "1.30", "1.32"))).contains("1.30");
    }

    @Test
    void thePostgresVersionNearestTo15Point4StaysOnMajor15() {
        assertThat(Versions.nearest("15.4", List.of("14.12", "15.10", "15.8", "16.4"))).contains("15.8");
    }

    @Test
    void minorVersionsCompareAsNumbersNotText() {
        assertThat(Versions.compare("15.10", "15.8")).isPositive();
        assertThat(Versions.sorted(List.of("15.10", "15.8", "14.12"))).containsExactly("14.12", "15.8", "15.10");
    }

    @Test
    void onATieTheNewerVersionWins() {
        assertThat(Versions.nearest("1.30", List.of("1.29", "1.31"))).contains("1.31");
    }

    @Test
    void nothingOfferedMeansNoNearest() {
        assertThat(Versions.nearest("1.29", List.of())).isEmpty();
    }
}
