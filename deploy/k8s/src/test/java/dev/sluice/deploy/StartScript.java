package dev.sluice.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the chart's start.sh as a pod of a rendered StatefulSet would: the environment the pod spec gives it (field
 * and ConfigMap references resolved from the same render), the pool's settings file, and a {@code java} on the PATH
 * that records the command line it is exec'd with instead of starting a JVM. Paths the pod mounts (/etc/sluice,
 * /etc/sluice-rack) are given as files of a scratch directory.
 */
final class StartScript {
    /** What start.sh exec'd java with, or why it stopped. */
    record Run(int exitCode, List<String> javaArguments, String stderr) {
        /** The arguments after the main class: what {@code sluice server} parses. */
        List<String> sluiceArguments() {
            int main = javaArguments.indexOf("dev.sluice.cli.Main");
            if (main < 0) {
                throw new AssertionError("java was not started with dev.sluice.cli.Main: " + javaArguments);
            }
            return javaArguments.subList(main + 1, javaArguments.size());
        }
    }

    private StartScript() {
    }

    /**
     * Runs start.sh for pod {@code podName} of {@code set}.
     *
     * @param rack the zone the rack init container would have written, used when the pod has a RACK_FILE
     */
    static Run run(Rendered rendered, StatefulSet set, String podName, String rack, Path scratch)
            throws IOException, InterruptedException {
        Map<String, String> configData = rendered.configMap(ChartRender.RELEASE + "-config").getData();
        Path script = Files.writeString(scratch.resolve("start.sh"), configData.get("start.sh"));
        String pool = Rendered.poolName(set);
        Path properties = Files.writeString(scratch.resolve(pool + ".properties"),
                configData.get(pool + ".properties"));
        Path rackFile = Files.writeString(scratch.resolve("rack"), rack);
        Path bin = Files.createDirectories(scratch.resolve("bin"));
        Path javaArguments = scratch.resolve("java-arguments");
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$JAVA_ARGUMENTS\"\n");
        java.toFile().setExecutable(true);

        ProcessBuilder builder = new ProcessBuilder("/bin/sh", script.toString());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(podEnvironment(rendered, set, podName));
        environment.computeIfPresent("CONFIG_FILE", (name, mounted) -> properties.toString());
        environment.computeIfPresent("RACK_FILE", (name, mounted) -> rackFile.toString());
        environment.put("PATH", bin + ":/usr/bin:/bin");
        environment.put("JAVA_ARGUMENTS", javaArguments.toString());
        builder.redirectError(scratch.resolve("stderr").toFile());
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("start.sh did not finish within 30 s");
        }
        List<String> arguments = Files.exists(javaArguments)
                ? Files.readAllLines(javaArguments, StandardCharsets.UTF_8) : List.of();
        return new Run(process.exitValue(), arguments, Files.readString(scratch.resolve("stderr")));
    }

    /** The node container's environment for pod {@code podName}, references resolved as the kubelet would. */
    static Map<String, String> podEnvironment(Rendered rendered, StatefulSet set, String podName) {
        Map<String, String> environment = new HashMap<>();
        for (EnvVar variable : Rendered.node(set).getEnv()) {
            environment.put(variable.getName(), value(rendered, variable, podName));
        }
        return environment;
    }

    private static String value(Rendered rendered, EnvVar variable, String podName) {
        if (variable.getValueFrom() == null) {
            return variable.getValue();
        }
        var source = variable.getValueFrom();
        if (source.getFieldRef() != null && source.getFieldRef().getFieldPath().equals("metadata.name")) {
            return podName;
        }
        if (source.getConfigMapKeyRef() != null) {
            String value = rendered.configMap(source.getConfigMapKeyRef().getName()).getData()
                    .get(source.getConfigMapKeyRef().getKey());
            if (value == null) {
                throw new AssertionError(variable.getName() + " refers to a key its ConfigMap does not have");
            }
            return value;
        }
        throw new AssertionError("cannot resolve " + variable.getName() + " from " + source);
    }
}
