package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every mistake in a server config file is reported with the file, the line and what is wrong. */
class ConfigFileTest {
    private static final Set<String> KNOWN = NodeConfig.DEFAULTS.keySet();

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsPropertiesWithCommentsContinuationsAndTheLineOfEachKey() throws IOException {
        Path file = write("server.properties", "# a comment ending in a backslash \\\n"
                + "node.id=3\n\n! another comment\r\nhost : example.org\n"
                + "controller.quorum.voters=3@example.org:7093,\\\n    4@other.org:7093\nbroker.rack=\n"
                + "cluster.id café-1\n");

        ConfigFile config = ConfigFile.read(file, KNOWN);

        assertThat(config.properties()).containsEntry("node.id", "3").containsEntry("host", "example.org")
                .containsEntry("controller.quorum.voters", "3@example.org:7093,4@other.org:7093")
                .containsEntry("broker.rack", "").containsEntry("cluster.id", "café-1");
        assertThat(config.lineOf("node.id")).isEqualTo(2);
        assertThat(config.lineOf("host")).isEqualTo(5);
        assertThat(config.lineOf("controller.quorum.voters")).isEqualTo(6);
        assertThat(config.lineOf("data.dir")).isEqualTo(-1);
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithFileLineAndColumn() throws IOException {
        Path file = write("binary.properties", new byte[] {'n', 'o', 'd', 'e', '.', 'i', 'd', '=', '1', '\n',
            'h', 'o', 's', 't', '=', (byte) 0xFF, (byte) 0xFE, 0x00});

        assertThatThrownBy(() -> ConfigFile.read(file, KNOWN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config file " + file + ", line 2: byte 0xFF at column 6 is not UTF-8 text; a config "
                        + "file is UTF-8 text (is this a binary file?)");
    }

    @Test
    void controlCharactersAreReportedAsBinary() throws IOException {
        Path file = write("nul.properties", "node.id=1\r\nnode\u0000id=2\n");

        assertThatThrownBy(() -> ConfigFile.read(file, KNOWN))
                .hasMessage("config file " + file + ", line 2: control character 0x00 at column 5; a config file "
                        + "is text (is this a binary file?)");
    }

    @Test
    void aLineThatIsNotKeyValueAnUnknownKeyAndABadEscapeAreReportedWithTheirLines() throws IOException {
        Path stray = write("stray.properties", "node.id=1\n\n  garbage\n");
        Path words = write("words.properties", "node.id=1\njust some words\n");
        Path unknown = write("unknown.properties", "node.id=1\nnum.partition=3\n");
        Path escape = write("escape.properties", "host=a\\u12\n");
        Path bareKey = write("bare.properties", "broker.rack\n");

        assertThatThrownBy(() -> ConfigFile.read(stray, KNOWN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config file " + stray + ", line 3: 'garbage' is not key=value");
        // Whitespace separates a key from its value in the properties format, so this is key "just".
        assertThatThrownBy(() -> ConfigFile.read(words, KNOWN))
                .hasMessageStartingWith("config file " + words + ", line 2: unknown server config 'just'");
        assertThatThrownBy(() -> ConfigFile.read(unknown, KNOWN))
                .hasMessageStartingWith("config file " + unknown + ", line 2: unknown server config 'num.partition'");
        assertThatThrownBy(() -> ConfigFile.read(escape, KNOWN))
                .hasMessage("config file " + escape + ", line 1: malformed \\uxxxx escape");
        assertThatThrownBy(() -> ConfigFile.read(bareKey, KNOWN))
                .hasMessage("config file " + bareKey + ", line 1: 'broker.rack' is not key=value");
    }

    @Test
    void sluiceServerNamesTheFileAndLineOfABadValueAndNeverStartsANode() throws IOException {
        Path binary = write("garbage.bin", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
        Path badValue = write("bad-value.properties", "node.id=1\nnum.partitions=0\n");

        assertThat(runServer(binary)).startsWith("error: config file " + binary + ", line 1: byte 0x89 at column 1 "
                + "is not UTF-8 text");
        assertThat(runServer(badValue)).isEqualTo("error: config file " + badValue + ", line 2: num.partitions must be "
                + "at least 1, got 0\n");
    }

    @Test
    void aFlagOverridingTheFileIsNotBlamedOnTheFile() throws IOException {
        Path file = write("ok.properties", "broker.port=7000\n");
        ServerCommand command = new ServerCommand();
        command.configFile = file;
        command.brokerPort = 70_000;

        assertThatThrownBy(command::config).hasMessage("broker.port must be at most 65535, got 70000");
    }

    @Test
    void bindHostFlagSetsTheListenAddressAndKeepsTheAdvertisedHost() throws IOException {
        Path file = write("pod.properties", "host=sluice-broker-0.sluice-broker-headless.prod.svc.cluster.local\n"
                + "bind.host=127.0.0.1\n");
        ServerCommand command = new ServerCommand();
        command.configFile = file;
        command.bindHost = "0.0.0.0";

        assertThat(command.config().bindHost()).isEqualTo("0.0.0.0");
        assertThat(command.config().host()).isEqualTo("sluice-broker-0.sluice-broker-headless.prod.svc.cluster.local");
    }

    private static String runServer(Path config) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("server", "--config", config.toString())).isEqualTo(CliErrors.USAGE);
        return err.toString();
    }
}
