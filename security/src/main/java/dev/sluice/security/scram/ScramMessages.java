package dev.sluice.security.scram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsing and formatting of SCRAM's attribute lists ({@code n=user,r=nonce}) and of the SASL name escaping
 * ({@code =2C} for a comma, {@code =3D} for an equals sign). Pure; any thread.
 */
final class ScramMessages {
    private ScramMessages() {
    }

    /** The attributes of {@code text} in order; a malformed list throws {@link ScramException}. */
    static Map<String, String> attributes(String text) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new ScramException("malformed SCRAM message");
            }
            if (attributes.putIfAbsent(part.substring(0, 1), part.substring(2)) != null) {
                throw new ScramException("malformed SCRAM message: a repeated attribute");
            }
        }
        return attributes;
    }

    static String required(Map<String, String> attributes, String name) {
        String value = attributes.get(name);
        if (value == null) {
            throw new ScramException("malformed SCRAM message: no '" + name + "' attribute");
        }
        return value;
    }

    static String escapeName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    static String unescapeName(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '=') {
                out.append(c);
            } else if (escaped.startsWith("=2C", i)) {
                out.append(',');
                i += 2;
            } else if (escaped.startsWith("=3D", i)) {
                out.append('=');
                i += 2;
            } else {
                throw new ScramException("malformed SCRAM user name");
            }
        }
        return out.toString();
    }
}
