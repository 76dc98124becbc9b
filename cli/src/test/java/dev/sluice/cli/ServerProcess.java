package dev.sluice.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code bin/sluice server} child process on free loopback ports, stopped by its own pid. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final String brokers;

    private ServerProcess(Process process, String brokers) {
        this.process = process;
        this.brokers = brokers;
    }

    static ServerProcess start(Path dataDir) throws Exception {
        int brokerPort = SluiceProcess.freePort();
        int httpPort = SluiceProcess.freePort();
        Process process = SluiceProcess.builder(List.of("server", "--data-dir", dataDir.resolve("data").toString(),
                        "--host", "127.0.0.1", "--broker-port", Integer.toString(brokerPort),
                        "--controller-port", Integer.toString(SluiceProcess.freePort()),
                        "--http-port", Integer.toString(httpPort), "--kafka-port", "0"))
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile())
                .start();
        ServerProcess server = new ServerProcess(process, "127.0.0.1:" + brokerPort);
        server.awaitReady(httpPort, dataDir);
        return server;
    }

    String brokers() {
        return brokers;
    }

    private void awaitReady(int httpPort, Path dataDir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        close();
        throw new AssertionError("server did not become ready; log in " + dataDir.resolve("server.log"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();  // SIGTERM: graceful shutdown
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
