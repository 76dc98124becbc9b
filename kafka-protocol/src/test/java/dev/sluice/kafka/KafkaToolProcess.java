package dev.sluice.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Kafka's tool classes (org.apache.kafka.tools, from the kafka-tools jar) in a JVM of its own, as its
 * shell script would: the tools print their results on stdout and some end with {@code Exit.exit}, which must not end
 * the test JVM. The child gets the test classpath, so it runs the pinned kafka-tools and kafka-clients.
 */
final class KafkaToolProcess {
    private KafkaToolProcess() {
    }

    /** The finished run: exit code, stdout lines, and stderr for failure messages. */
    record Result(int exitCode, List<String> stdout, String stderr) {
        /** A description for assertion messages: the exit code and the end of both streams. */
        String describe() {
            String out = String.join("\n", stdout.subList(Math.max(0, stdout.size() - 20), stdout.size()));
            String err = stderr.length() > 4000 ? stderr.substring(stderr.length() - 4000) : stderr;
            return "exit " + exitCode + "\n--- stdout (end) ---\n" + out + "\n--- stderr (end) ---\n" + err;
        }
    }

    /**
     * Runs {@code mainClass args} and waits at most {@code limit}; a tool still running then is killed and the run
     * fails with its output so far.
     */
    static Result run(String mainClass, Duration limit, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kafka-tool", ".out");
        Path err = Files.createTempFile("kafka-tool", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp", testClasspath(), mainClass));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " still running after " + limit + "\n"
                        + new Result(-1, Files.readAllLines(out), Files.readString(err)).describe());
            }
            return new Result(process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire's test classpath (java.class.path may be only its manifest jar), else this JVM's. */
    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
