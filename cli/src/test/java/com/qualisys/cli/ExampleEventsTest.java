package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.events.EventKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The sample events shipped under examples/events/ (for trying the responses locally, docs/events.md) are
 * what they claim: each is routed to its response and passes its parser, the malformed one is refused with
 * the field named, and the docs name every one of them.
 */
class ExampleEventsTest {
    private static final Path EXAMPLES = RepoPaths.root().resolve("examples/events");

    @Test
    void everyExampleIsRoutedToItsResponseAndParsesOrIsRefusedNamingTheField() throws Exception {
        Map<String, EventKind> kinds = new TreeMap<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f).replaceAll("\\$\\{[^}]+}", "sg-0a1b2c3d4e5f60001");
                String name = f.getFileName().toString();
                if (name.startsWith("malformed-")) {
                    assertThatThrownBy(() -> SimulateEventCommand.check(text)).as(name)
                            .hasMessage("event rejected: detail.eventTime 1716991389 is not a string (it is a number); nothing was done");
                } else {
                    kinds.put(name, SimulateEventCommand.check(text));
                }
            }
        }
        assertThat(kinds).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "budget-100-percent-sns-event.json", EventKind.BUDGET,
                "budget-80-percent.txt", EventKind.BUDGET,
                "cost-anomaly-eventbridge.json", EventKind.ANOMALY,
                "cost-anomaly-sns-message.json", EventKind.ANOMALY,
                "rds-sg-opened-by-the-control-plane.json", EventKind.SECURITY,
                "rds-sg-opened-to-internet.json", EventKind.SECURITY,
                "rds-sg-rule-revoked.json", EventKind.SECURITY,
                "trail-stopped.json", EventKind.SECURITY)));
    }

    @Test
    void theEventsDocumentNamesEveryExample() throws Exception {
        String docs = Files.readString(RepoPaths.root().resolve("docs/events.md"));
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            files.forEach(f -> assertThat(docs).as("docs/events.md names " + f.getFileName()).contains("examples/events/" + f.getFileName()));
        }
    }
}
