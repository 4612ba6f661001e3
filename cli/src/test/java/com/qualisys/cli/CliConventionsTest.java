package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.emulator.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Issue 19's CLI defects: help on every command, escaped placeholders, spec errors that name the real file. */
class CliConventionsTest {
    static List<String> commands() {
        return QualisysCli.commandLine().getSubcommands().keySet().stream().filter(n -> !n.equals("help")).sorted().toList();
    }

    @ParameterizedTest(name = "qualisys {0} --help prints its usage and exits 0 (was: Missing required option / Unknown option)")
    @MethodSource("commands")
    void helpWorksOnEveryCommand(String command) {
        Cli.Result help = Cli.run(command, "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).startsWith("Usage: qualisys " + command).contains("-h, --help", "--debug");
        assertThat(help.out()).doesNotContain("null");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void topLevelHelpShowsEachCommandsFirstSentenceWhole_wasCutMidSentence() {
        String help = Cli.run("--help").out().replaceAll("\\s+", "");
        for (Map.Entry<String, CommandLine> sub : QualisysCli.commandLine().getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) continue;
            String first = sub.getValue().getCommandSpec().usageMessage().description()[0];
            assertThat(first).as(sub.getKey() + "'s first description line is a whole sentence").endsWith(".");
            assertThat(help).as("top-level help lists " + sub.getKey()).contains(first.replaceAll("\\s+", ""));
        }
    }

    @Test
    void aCommandLineThatNamesASubcommandBuildsOnlyThatOne_theRestCostStartUp() {
        List<String> all = QualisysCli.commandLine().getSubcommands().keySet().stream().toList();
        assertThat(all).hasSizeGreaterThan(10).contains("help");
        assertThat(QualisysCli.commandLine("validate", "--env", "dev").getSubcommands().keySet()).containsExactly("validate");
        assertThat(QualisysCli.commandLine("--debug", "drift", "--env", "dev").getSubcommands().keySet()).containsExactly("drift");
        assertThat(QualisysCli.commandLine("--help").getSubcommands().keySet()).containsExactlyElementsOf(all);
        assertThat(QualisysCli.commandLine("help", "validate").getSubcommands().keySet()).containsExactlyElementsOf(all);
        assertThat(QualisysCli.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(all);
    }

    @Test
    void eachSubcommandIsKnownByTheNameItsCommandAnnotationGivesIt() {
        for (QualisysCli.Subcommand s : QualisysCli.SUBCOMMANDS) {
            assertThat(s.type().getAnnotation(CommandLine.Command.class).name()).as(s.type().getSimpleName()).isEqualTo(s.name());
        }
    }

    @Test
    void aMistypedCommandIsAnsweredWithTheNearestOnes() {
        Cli.Result r = Cli.run("valdate", "--env", "dev");
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("Unmatched argument", "'valdate'", "Did you mean", "validate");
    }

    @Test
    void theInheritedDebugOptionReachesTheOneSubcommandBuilt() {
        Cli.Result r = Cli.run("--debug", "validate", "--specs", "/no/such/specs");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: invalid spec: /no/such/specs does not exist or is not a folder\n").contains("\tat ");
    }

    @Test
    void simulateEventHelpShowsItsPlaceholdersLiterally_wasPlaceholdersNullInTheFile() {
        String help = Cli.run("simulate-event", "--help").out();
        assertThat(help).contains("Placeholders ${<logical-id>} in the file (e.g. ${vpc/security-group/rds})")
                .doesNotContain("Placeholders null");
    }

    @Test
    void validateFailsOnAMissingSpecsFolder_wasExit0(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-specs");
        Cli.Result r = Cli.run("validate", "--specs", missing.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: invalid spec: " + missing + " does not exist or is not a folder\n");
    }

    @Test
    void validateFailsOnAnEmptySpecsFolder_wasExit0(@TempDir Path tmp) {
        Cli.Result r = Cli.run("validate", "--specs", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(tmp.toString(), "holds no environment file");
    }

    @Test
    void planWithAMissingSpecsFolderNamesTheFolder_wasKnownEmpty(@TempDir Path tmp) {
        Cli.Result r = Cli.run("plan", "--env", "dev", "--specs", tmp.resolve("elsewhere").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(tmp.resolve("elsewhere") + " does not exist").doesNotContain("known: \n");
    }

    @Test
    void specsSomeOtherDirErrorsNameThatDirsFiles_wasEnvironmentsDefaultsYaml(@TempDir Path tmp) throws IOException {
        Path specs = RepoPaths.copyOfEnvironments(tmp.resolve("some-other-dir"));
        Path defaults = specs.resolve("defaults.yaml");
        Files.writeString(defaults, Files.readString(defaults).replace("az: us-east-1b, cidr: 10.0.11.0/24", "az: us-east-1b, cidr: 10.1.11.0/24"));
        Cli.Result r = Cli.run("validate", "--env", "dev", "--specs", specs.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(defaults + ": vpc.subnets.private-b.cidr 10.1.11.0/24").doesNotContain(" environments/");
    }

    @Test
    void aYamlSyntaxErrorNamesLineAndColumn_wasNoPosition(@TempDir Path tmp) throws IOException {
        Path specs = RepoPaths.copyOfEnvironments(tmp.resolve("specs"));
        Files.writeString(specs.resolve("dev.yaml"), "environment: dev\nvpc:\n  cidr: [10.0.0.0/16\n");
        Cli.Result r = Cli.run("validate", "--env", "dev", "--specs", specs.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(specs.resolve("dev.yaml").toString())
                + " is not valid YAML at line \\d+, column \\d+: ").doesNotContain("Exception", "com.fasterxml");
    }

    @Test
    void aDuplicateKeyIsNamedWithItsLine_wasJacksonInternals(@TempDir Path tmp) throws IOException {
        Path specs = RepoPaths.copyOfEnvironments(tmp.resolve("specs"));
        Files.writeString(specs.resolve("dev.yaml"), "environment: dev\nenvironment: dev\n");
        Cli.Result r = Cli.run("validate", "--env", "dev", "--specs", specs.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("duplicate key 'environment'", "at line 2").doesNotContain("ObjectNode", "DeserializationFeature");
    }

    @Test
    void runWithBadInputJsonSaysWhereInOneLine_wasJacksonInternals() {
        Cli.Result r = Cli.run("run", "drift-check", "--env", "dev", "--local", "--input", "{\"layers\": [vpc]}");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: --input is not valid JSON at line 1, column ").doesNotContain("com.fasterxml", "Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void anUnknownLayerInAListIsRejectedBeforeAnyAwsCall() {
        Cli.Result r = Cli.run("plan", "--env", "dev", "--layer", "vpc,network", "--endpoint-url", "http://127.0.0.1:9");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: --layer network is not a layer; layers: account, iam, monitoring, vpc, eks, rds, kubernetes\n");
    }

    @Test
    void coloursOnlyOnATerminalAndNeverWithNoColor() {
        assertThat(Colours.enabled(true, Map.of())).isTrue();
        assertThat(Colours.enabled(false, Map.of())).as("a pipe or file").isFalse();
        assertThat(Colours.enabled(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(Colours.enabled(true, Map.of("NO_COLOR", ""))).as("NO_COLOR set but empty does not count").isTrue();
        assertThat(Colours.enabled(true, Map.of("TERM", "dumb"))).isFalse();
    }

    @Test
    void everyCommandThatReadsSpecsDescribesItsEndpointAndSpecsOptionsAlike_fourSaidNothingOfTheDefaults() {
        List<String> readingSpecs = new java.util.ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : QualisysCli.commandLine().getSubcommands().entrySet()) {
            CommandLine.Model.CommandSpec spec = sub.getValue().getCommandSpec();
            if (spec.findOption("--specs") == null) continue;
            readingSpecs.add(sub.getKey());
            assertThat(spec.findOption("--specs").description()).as(sub.getKey() + " --specs").containsExactly(EnvironmentOptions.SPECS_HELP);
            if (spec.findOption("--endpoint-url") != null) {
                assertThat(spec.findOption("--endpoint-url").description()).as(sub.getKey() + " --endpoint-url")
                        .containsExactly(EnvironmentOptions.ENDPOINT_URL_HELP);
            }
        }
        assertThat(readingSpecs).contains("plan", "apply", "drift", "run", "start", "restore", "simulate-event", "unlock", "validate");
    }
}
