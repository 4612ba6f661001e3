package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `qualisys run --definition FILE --local`: any ASL file, any JSON input, either query language. */
class RunAnyDefinitionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aJsonataDefinitionRunsOnInputThatIsNotAnObject(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("greet.asl.json");
        Files.writeString(file, """
                {"QueryLanguage": "JSONata", "StartAt": "Greet", "States": {
                  "Greet": {"Type": "Pass", "Assign": {"who": "{% $states.input %}"}, "Next": "Done"},
                  "Done": {"Type": "Succeed", "Output": "{% 'Hello, ' & $who %}"}}}""");
        Cli run = Cli.qualisys("run", "--definition", file.toString(), "--input", "\"Ann\"", "--local", "--json");
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.execution().get("output")).isEqualTo(JSON.readTree("\"Hello, Ann\""));

        Cli array = Cli.qualisys("run", "--definition", file.toString(), "--input", "[1, 2]", "--local", "--json");
        assertThat(array.execution().get("output")).isEqualTo(JSON.readTree("\"Hello, [1,2]\""));
    }

    @Test
    void aNamedStateMachineStillNeedsAnObjectInput() {
        Cli run = Cli.qualisys("run", "provision", "--env", "dev", "--input", "[1]", "--local");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--input of provision must be a JSON object, got: [1]");
    }
}
