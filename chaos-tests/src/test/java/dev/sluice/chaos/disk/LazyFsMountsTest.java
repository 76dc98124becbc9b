package dev.sluice.chaos.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LazyFsMountsTest {
    @Test
    void findsFuseMountPointsInMountinfo() {
        List<String> lines = List.of(
                "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "80 22 0:45 / /work/run/nodes/1/data rw,nosuid,nodev,relatime shared:40 - fuse.lazyfs lazyfs "
                        + "rw,user_id=0,group_id=0,allow_other",
                "81 22 0:46 / /work/run/nodes/2/data rw,relatime shared:41 - fuse lazyfs rw,user_id=0",
                "82 22 0:47 / /work/run/nodes/3/data rw,relatime - tmpfs tmpfs rw,size=262144k",
                "83 22 0:48 / /work/run\\040dir/nodes/1/data rw,relatime shared:43 - fuse.lazyfs lazyfs rw",
                "garbage");

        assertThat(LazyFsMounts.fuseMounts(lines)).containsExactly(Path.of("/work/run/nodes/1/data"),
                Path.of("/work/run/nodes/2/data"), Path.of("/work/run dir/nodes/1/data"));
    }

    @Test
    void decodesOctalEscapesOnly() {
        assertThat(LazyFsMounts.unescape("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
        assertThat(LazyFsMounts.unescape("/a\\0")).isEqualTo("/a\\0");
        assertThat(LazyFsMounts.unescape("/a\\999")).isEqualTo("/a\\999");
    }
}
