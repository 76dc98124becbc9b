package dev.sluice.chaos.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LazyFsConfigTest {
    @Test
    void namesBothFifosAndACacheWithoutEviction() {
        String toml = LazyFsConfig.toml(Path.of("/run/n1/lazyfs/faults.fifo"), Path.of("/run/n1/lazyfs/done.fifo"),
                512);

        assertThat(toml).contains("[faults]\nfifo_path=\"/run/n1/lazyfs/faults.fifo\"\n"
                + "fifo_path_completed=\"/run/n1/lazyfs/done.fifo\"\n")
                .contains("[cache]\napply_eviction=false\n")
                .contains("[cache.simple]\ncustom_size=\"512mb\"\nblocks_per_page=1\n")
                .contains("[filesystem]\nlog_all_operations=false\n");
    }

    @Test
    void quotesPathsAsTomlStringsAndRefusesWhatCannotBeQuoted() {
        assertThat(LazyFsConfig.quoted(Path.of("/a \"b\"/c\\d"))).isEqualTo("\"/a \\\"b\\\"/c\\\\d\"");
        assertThatThrownBy(() -> LazyFsConfig.quoted(Path.of("/a\nb"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LazyFsConfig.toml(Path.of("/f"), Path.of("/d"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
