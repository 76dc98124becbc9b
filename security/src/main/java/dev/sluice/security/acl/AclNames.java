package dev.sluice.security.acl;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the enum names of the ACL model as users type them: any case, {@code -} for {@code _}. */
final class AclNames {
    private AclNames() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(name)) {
                return value;
            }
        }
        throw new InvalidAclException("unknown " + what + " '" + text + "'; expected one of "
                + Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", ")));
    }
}
