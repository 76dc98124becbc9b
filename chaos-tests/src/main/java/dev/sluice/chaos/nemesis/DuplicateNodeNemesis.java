package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.cluster.RunningNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An impostor: for the fault window a second {@code sluice server} runs with the node id of a live node (same roles,
 * cluster id and controller quorum; its own empty data dir and ports, in the same network as the node it copies), as
 * a misconfigured deployment or a restored VM snapshot would. The cluster must not let it take the real node's place:
 * not vote or lead under its id, not be registered as that broker, not fence the real one. Heal kills the impostor and
 * restarts the real node if it died meanwhile. Each impostor's files are in {@code nodes/<id>/impostor-<n>/}.
 */
public final class DuplicateNodeNemesis implements Nemesis {
    private int copied = -1;
    private int count;
    private RunningNode impostor;
    private Path impostorDir;

    @Override
    public String name() {
        return "duplicate-node";
    }

    @Override
    public String start(NemesisContext context) throws IOException {
        copied = context.pick(context.nodeIds());
        count++;
        impostorDir = context.cluster().nodeDir(copied).resolve("impostor-" + count);
        impostor = context.cluster().startImpostor(copied, impostorDir);
        return "start an impostor of node " + copied + " (" + impostor.id() + "): same node id, cluster id and "
                + "quorum, own data dir and ports +" + ChaosCluster.IMPOSTOR_PORT_SHIFT + " (" + context.runDir()
                .relativize(impostorDir) + ")";
    }

    @Override
    public String heal(NemesisContext context) throws IOException {
        String impostorFate = "no impostor";
        if (impostor != null) {
            impostorFate = impostor.isAlive() ? "killed the impostor of node " + copied
                    : "the impostor of node " + copied + " had exited by itself (see "
                            + context.runDir().relativize(impostorDir.resolve("server.log")) + ")";
            impostor.kill();
            impostor = null;
        }
        if (!context.cluster().isAlive(copied)) {
            context.cluster().start(copied);
            return impostorFate + "; the real node " + copied + " had died, restarted";
        }
        return impostorFate + "; the real node " + copied + " still running";
    }

    @Override
    public void close(NemesisContext context) {
        if (impostor != null) {
            impostor.kill();
            impostor = null;
        }
    }
}
