package dev.sluice.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns Helm's rendered output into fabric8's typed Kubernetes objects, refusing what a typed parse alone would let
 * through: a kind fabric8 does not know (it would come back as a generic resource, unchecked), and a field that is
 * misspelt or of the wrong type. fabric8 keeps such a field in the object's {@code additionalProperties} instead of
 * failing, so every object reachable from a manifest is walked and any non-empty {@code additionalProperties} is
 * reported with its path. Stateless; any thread.
 */
final class Manifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Manifests() {
    }

    /** Every manifest of {@code renderedYaml}, typed. */
    static List<HasMetadata> parse(String renderedYaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(renderedYaml)) {
            if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            HasMetadata object = SERIALIZATION.unmarshal(document, HasMetadata.class);
            String name = object.getKind() + " " + object.getMetadata().getName();
            if (object instanceof GenericKubernetesResource) {
                throw new AssertionError(name + " (" + object.getApiVersion() + ") is of a kind fabric8 does not know");
            }
            List<String> unknown = unknownFields(object);
            if (!unknown.isEmpty()) {
                throw new AssertionError(name + " has fields Kubernetes does not define (misspelt, misplaced or of "
                        + "the wrong type): " + unknown);
            }
            objects.add(object);
        }
        return objects;
    }

    /** The paths of every non-empty {@code additionalProperties} reachable from {@code root}. */
    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, root.getClass().getSimpleName(), found, Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int index = 0;
            for (Object element : collection) {
                walk(element, path + "[" + index++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> walk(element, path + "[" + key + "]", found, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                Object fieldValue = read(field, value);
                if (field.getName().equals("additionalProperties")) {
                    if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        found.add(path + " " + extra.keySet());
                    }
                    continue;
                }
                walk(fieldValue, path + "." + field.getName(), found, seen);
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }
}
