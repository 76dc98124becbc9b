package dev.sluice.examples.kafkajs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install script's exit codes become typed reasons (a real bash runs a stand-in script). */
class KafkajsInstallTest {
    private final PrintStream out = new PrintStream(new ByteArrayOutputStream());

    @Test
    void exitCode3MeansNodeCannotBeInstalledHere(@TempDir Path dir) throws Exception {
        script(dir, "echo no apt-get >&2; exit 3");
        assertThatThrownBy(() -> KafkajsInstall.ensureReady(dir, out))
                .isInstanceOfSatisfying(KafkajsSetupException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(KafkajsSetupException.Reason.NODE_UNAVAILABLE));
    }

    @Test
    void exitCode4MeansNpmCiFailed(@TempDir Path dir) throws Exception {
        script(dir, "exit 4");
        assertThatThrownBy(() -> KafkajsInstall.ensureReady(dir, out))
                .isInstanceOfSatisfying(KafkajsSetupException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(KafkajsSetupException.Reason.PACKAGES_NOT_INSTALLED));
    }

    @Test
    void anyOtherFailureOrAMissingScriptIsAScriptFailure(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> KafkajsInstall.ensureReady(dir, out))
                .isInstanceOfSatisfying(KafkajsSetupException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(KafkajsSetupException.Reason.SCRIPT_FAILED))
                .hasMessageContaining("no install-node.sh");
        script(dir, "exit 1");
        assertThatThrownBy(() -> KafkajsInstall.ensureReady(dir, out))
                .isInstanceOfSatisfying(KafkajsSetupException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.reason()).isEqualTo(KafkajsSetupException.Reason.SCRIPT_FAILED))
                .hasMessageContaining("exit code 1");
    }

    private static void script(Path dir, String body) throws Exception {
        Files.writeString(dir.resolve(KafkajsInstall.SCRIPT), "#!/usr/bin/env bash\n" + body + "\n");
    }
}
