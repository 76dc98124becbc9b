package dev.sluice.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;

/** The typed manifests of one render, with the look-ups the tests share. Immutable. */
record Rendered(List<HasMetadata> objects) {

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(object -> object.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no " + type.getSimpleName() + " " + name + " in "
                        + objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList()));
    }

    List<StatefulSet> statefulSets() {
        return all(StatefulSet.class);
    }

    /** The StatefulSet of pool {@code pool} (controller, broker or combined). */
    StatefulSet pool(String pool) {
        return named(StatefulSet.class, ChartRender.RELEASE + "-" + pool);
    }

    Service service(String name) {
        return named(Service.class, name);
    }

    ConfigMap configMap(String name) {
        return named(ConfigMap.class, name);
    }

    /** The settings file of a pool as the node reads it. */
    Properties properties(String pool) {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(configMap(ChartRender.RELEASE + "-config").getData()
                    .get(pool + ".properties")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    static Container node(StatefulSet set) {
        return set.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(container -> container.getName().equals("sluice")).findFirst().orElseThrow();
    }

    /** The literal value of environment variable {@code name} of the node container, or null. */
    static String env(StatefulSet set, String name) {
        return node(set).getEnv().stream().filter(env -> env.getName().equals(name)).map(EnvVar::getValue)
                .findFirst().orElse(null);
    }

    static Map<String, String> podLabels(StatefulSet set) {
        return set.getSpec().getTemplate().getMetadata().getLabels();
    }

    /** The pool name of a StatefulSet (its component label). */
    static String poolName(StatefulSet set) {
        return podLabels(set).get("app.kubernetes.io/component");
    }
}
