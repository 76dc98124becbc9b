package dev.sluice.chaos.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Linux network namespace per node, each joined by a veth pair to a bridge in the root namespace, which also
 * holds the bridge address the clients (in the test JVM) use. Link faults are iptables rules and tc qdiscs inside the
 * nodes' namespaces, so they disappear with the namespaces.
 *
 * <p>Names: {@code <prefix>n<id>} for namespaces, {@code <prefix>h<id>} for the root-side veth end, {@code <prefix>br}
 * for the bridge, where the prefix is {@code "slc"} plus four hex digits unique to the run (at most 10 characters, so
 * interface names stay within Linux's 15). An owner file {@code /tmp/sluice-chaos-net/<prefix>} holds the pid of the
 * JVM that created them; {@link #removeLeftovers()} deletes what belongs to dead owners. Owned by the runner thread.
 */
public final class NamespaceFabric implements NetworkFabric {
    public static final String NAME_PREFIX = "slc";
    private static final Path OWNERS = Path.of("/tmp/sluice-chaos-net");
    private static final String NODE_INTERFACE = "eth0";

    private final String prefix;
    private final int subnet;
    private final Map<Integer, String> addresses = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::tearDown, "chaos-net-cleanup");
    private String slowMethod;
    private boolean closed;

    /** {@code runTag}: 0..0xffff, unique per run; also picks the /24 subnet 10.213.x.0. */
    public NamespaceFabric(int runTag) {
        this.prefix = NAME_PREFIX + String.format("%04x", runTag & 0xffff);
        this.subnet = 1 + Math.floorMod(runTag, 250);
    }

    /** Whether this machine can run the fabric: root, and {@code ip}/{@code iptables}/{@code tc} present. */
    public static Optional<String> unavailableReason() {
        // SLUICE_CHAOS_FABRIC=loopback forces the fallback, so it can be exercised on a machine where root works.
        if ("loopback".equals(System.getenv("SLUICE_CHAOS_FABRIC"))) {
            return Optional.of("SLUICE_CHAOS_FABRIC=loopback: namespaces not used");
        }
        if (!Shell.isRoot()) {
            return Optional.of("not root: network namespaces cannot be created");
        }
        for (String tool : List.of("ip", "iptables", "tc")) {
            if (!Shell.onPath(tool)) {
                return Optional.of(tool + " is not installed");
            }
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return "namespaces";
    }

    public String bridgeAddress() {
        return "10.213." + subnet + ".1";
    }

    @Override
    public void setUp(List<Integer> nodeIds) {
        removeLeftovers();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        writeOwner();
        String bridge = prefix + "br";
        Shell.check("ip", "link", "add", bridge, "type", "bridge");
        Shell.check("ip", "addr", "add", bridgeAddress() + "/24", "dev", bridge);
        Shell.check("ip", "link", "set", bridge, "up");
        for (int id : nodeIds) {
            String ns = namespace(id);
            String host = prefix + "h" + id;
            String peer = prefix + "v" + id;
            String address = "10.213." + subnet + "." + (10 + id);
            Shell.check("ip", "netns", "add", ns);
            Shell.check("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
            Shell.check("ip", "link", "set", peer, "netns", ns);
            Shell.check("ip", "link", "set", host, "master", bridge);
            Shell.check("ip", "link", "set", host, "up");
            inNamespace(id, "ip", "link", "set", peer, "name", NODE_INTERFACE);
            inNamespace(id, "ip", "addr", "add", address + "/24", "dev", NODE_INTERFACE);
            inNamespace(id, "ip", "link", "set", NODE_INTERFACE, "up");
            inNamespace(id, "ip", "link", "set", "lo", "up");
            addresses.put(id, address);
        }
        notes.add("namespaces " + prefix + "n*, bridge " + bridge + " " + bridgeAddress() + "/24");
    }

    @Override
    public String address(int nodeId) {
        return addresses.get(nodeId);
    }

    @Override
    public List<String> commandPrefix(int nodeId) {
        return List.of("ip", "netns", "exec", namespace(nodeId));
    }

    @Override
    public Optional<String> linkFaultsUnavailable() {
        return Optional.empty();
    }

    @Override
    public void dropLinks(Set<LinkPair> pairs) {
        // A rule in the receiver's namespace drops what the sender sends, so one-way cuts need no extra case.
        for (LinkPair pair : pairs) {
            inNamespace(pair.to(), "iptables", "-A", "INPUT", "-s", addresses.get(pair.from()), "-j", "DROP");
        }
    }

    @Override
    public void lossy(int nodeId, double probability) {
        inNamespace(nodeId, "iptables", "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability",
                Double.toString(probability), "-j", "DROP");
    }

    @Override
    public String slow(int nodeId) {
        List<String> netem = List.of("tc", "qdisc", "add", "dev", NODE_INTERFACE, "root", "netem", "delay", "200ms",
                "50ms");
        if (slowMethod == null || slowMethod.startsWith("netem")) {
            Shell.Result result = Shell.run(withPrefix(nodeId, netem));
            if (result.ok()) {
                slowMethod = "netem delay 200ms +-50ms";
                return slowMethod;
            }
            notes.add("tc netem unavailable (" + result.output() + "); slow links use tbf rate limiting");
        }
        // Without netem, a token bucket at a low rate both limits throughput and queues packets (adds delay).
        inNamespace(nodeId, "tc", "qdisc", "add", "dev", NODE_INTERFACE, "root", "tbf", "rate", "256kbit",
                "burst", "16kb", "latency", "500ms");
        slowMethod = "tbf rate 256kbit burst 16kb latency 500ms";
        return slowMethod;
    }

    @Override
    public void healLinks() {
        for (int id : addresses.keySet()) {
            Shell.run(withPrefix(id, List.of("iptables", "-F", "INPUT")));
            Shell.run(withPrefix(id, List.of("tc", "qdisc", "del", "dev", NODE_INTERFACE, "root")));
        }
    }

    @Override
    public List<String> notes() {
        List<String> all = new ArrayList<>(notes);
        if (slowMethod != null) {
            all.add("slow links used: " + slowMethod);
        }
        return all;
    }

    @Override
    public void close() {
        tearDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    private synchronized void tearDown() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll(prefix);
        try {
            Files.deleteIfExists(OWNERS.resolve(prefix));
        } catch (IOException e) {
            // Only a marker; removeLeftovers treats a dead owner the same.
        }
    }

    /** Removes namespaces and links of earlier runs whose owning JVM is gone (e.g. killed mid-run). */
    public static void removeLeftovers() {
        List<String> prefixes = new ArrayList<>();
        for (String line : Shell.run("ip", "netns", "list").output().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(NAME_PREFIX) && name.length() > 7) {
                prefixes.add(name.substring(0, 7));
            }
        }
        for (String line : Shell.run("ip", "-o", "link", "show").output().split("\n")) {
            String[] fields = line.split(": ");
            if (fields.length > 1 && fields[1].startsWith(NAME_PREFIX) && fields[1].length() > 7) {
                prefixes.add(fields[1].substring(0, 7));
            }
        }
        prefixes.stream().distinct().filter(p -> !ownerAlive(p)).forEach(NamespaceFabric::removeAll);
    }

    private static boolean ownerAlive(String prefix) {
        try {
            long pid = Long.parseLong(Files.readString(OWNERS.resolve(prefix)).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void removeAll(String prefix) {
        for (String line : Shell.run("ip", "netns", "list").output().split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) {
                Shell.run("ip", "netns", "del", name);
            }
        }
        for (String line : Shell.run("ip", "-o", "link", "show").output().split("\n")) {
            String[] fields = line.split(": ");
            if (fields.length > 1 && fields[1].startsWith(prefix)) {
                Shell.run("ip", "link", "del", fields[1].split("@")[0]);
            }
        }
    }

    private void writeOwner() {
        try {
            Files.createDirectories(OWNERS);
            Files.writeString(OWNERS.resolve(prefix), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write owner marker in " + OWNERS, e);
        }
    }

    private String namespace(int nodeId) {
        return prefix + "n" + nodeId;
    }

    private void inNamespace(int nodeId, String... command) {
        List<String> full = withPrefix(nodeId, List.of(command));
        Shell.check(full.toArray(String[]::new));
    }

    private List<String> withPrefix(int nodeId, List<String> command) {
        List<String> full = new ArrayList<>(commandPrefix(nodeId));
        full.addAll(command);
        return full;
    }
}
