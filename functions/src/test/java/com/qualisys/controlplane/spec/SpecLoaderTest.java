package com.qualisys.controlplane.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecLoaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "production"})
    void everyEnvironmentOfTheRepoIsValid(String env) {
        EnvironmentSpec spec = TestSpecs.load(env);
        assertThat(spec.environment()).isEqualTo(env);
        assertThat(spec.vpc().subnets()).hasSize(6);
        assertThat(spec.iam().roles()).hasSize(7);
        assertThat(spec.iam().policies()).allSatisfy(p -> assertThat(p.json()).startsWith("{"));
    }

    @Test
    void productionOverridesTheSeedsProductionColumnOnly() {
        EnvironmentSpec dev = TestSpecs.load("dev");
        EnvironmentSpec prod = TestSpecs.load("production");
        assertThat(dev.rds().instanceClass()).isEqualTo("db.t3.medium");
        assertThat(prod.rds().instanceClass()).isEqualTo("db.r5.large");
        assertThat(prod.rds().multiAz()).isTrue();
        assertThat(prod.rds().deletionProtection()).isTrue();
        assertThat(prod.rds().skipFinalSnapshot()).isFalse();
        assertThat(dev.rds().deletionProtection()).isFalse();
        assertThat(prod.vpc()).isEqualTo(dev.vpc());
    }

    @Test
    void anUnknownEnvironmentIsRejectedNamingTheKnownOnes() {
        assertThatThrownBy(() -> TestSpecs.load("qa"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("environment qa is not a known environment")
                .hasMessageContaining("dev, production, staging");
    }

    @Test
    void anOverlayIsMergedOverEveryEnvironmentAndValidatedAsStrictly() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper();
        var larger = yaml.readTree("{\"rds\": {\"instanceClass\": \"db.t3.large\"}}");
        SpecLoader overlaid = TestSpecs.loader().withOverlay(env -> env.equals("staging") ? null : larger);
        assertThat(overlaid.load("dev").rds().instanceClass()).isEqualTo("db.t3.large");
        assertThat(overlaid.load("production").rds().instanceClass()).as("over the environment file too").isEqualTo("db.t3.large");
        assertThat(overlaid.load("dev").rds().databaseName()).as("the rest merged as before").isEqualTo(TestSpecs.load("dev").rds().databaseName());
        assertThat(TestSpecs.load("dev").rds().instanceClass()).as("the plain loader is unchanged").isEqualTo("db.t3.medium");
        assertThat(overlaid.load("staging").rds().instanceClass()).as("no overlay for staging").isEqualTo(TestSpecs.load("staging").rds().instanceClass());

        var misspelt = yaml.readTree("{\"rds\": {\"instanceClas\": \"db.t3.large\"}}");
        SpecLoader wrong = TestSpecs.loader().withOverlay(env -> misspelt);
        assertThatThrownBy(() -> wrong.load("dev")).isInstanceOf(SpecException.class).hasMessageContaining("instanceClas");
    }
}
