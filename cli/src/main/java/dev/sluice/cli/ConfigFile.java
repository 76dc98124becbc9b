package dev.sluice.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A server config file (Java properties syntax, UTF-8), read strictly so that every mistake is reported with the file,
 * the line and what is wrong: bytes that are not UTF-8 text (a binary file given by mistake), control characters, a
 * malformed {@code \}{@code uxxxx} escape, a line that is not {@code key=value}, an unknown key. Java's own
 * {@code Properties.load} would fail with {@code MalformedInputException: Input length = 1}, or quietly turn a stray
 * line into a key with an empty value.
 *
 * <p>Immutable once read; any thread.
 */
final class ConfigFile {
    private final Path path;
    private final Properties properties;
    /** The line each key was set on (the last one, as {@link Properties} keeps the last value). */
    private final Map<String, Integer> lines;

    private ConfigFile(Path path, Properties properties, Map<String, Integer> lines) {
        this.path = path;
        this.properties = properties;
        this.lines = Collections.unmodifiableMap(lines);
    }

    /**
     * Reads {@code path}.
     *
     * @param knownKeys the keys a server accepts; any other is refused with its line
     * @throws IllegalArgumentException naming the file and the line of the first problem
     */
    static ConfigFile read(Path path, Set<String> knownKeys) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("config file not found: " + path);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e);
        }
        String text = decode(path, bytes);
        Properties properties = new Properties();
        Map<String, Integer> lines = new LinkedHashMap<>();
        String[] physical = text.split("\r\n|\r|\n", -1);
        for (int index = 0; index < physical.length; index++) {
            int firstLine = index + 1;
            StringBuilder logical = new StringBuilder(physical[index]);
            // A line ending in an odd number of backslashes continues on the next one, unless it is a comment.
            while (!isBlankOrComment(logical.toString()) && continues(logical) && index + 1 < physical.length) {
                logical.setLength(logical.length() - 1);
                logical.append(physical[++index].stripLeading());
            }
            readLine(path, firstLine, logical.toString(), knownKeys, properties, lines);
        }
        return new ConfigFile(path, properties, lines);
    }

    Path path() {
        return path;
    }

    /** The settings, as {@link Properties} holds them. */
    Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** The line {@code key} was set on, or -1 when the file does not set it. */
    int lineOf(String key) {
        return lines.getOrDefault(key, -1);
    }

    private static void readLine(Path path, int line, String text, Set<String> knownKeys, Properties into,
                                 Map<String, Integer> lines) {
        if (isBlankOrComment(text)) {
            return;
        }
        String content = text.stripLeading();
        Properties one = new Properties();
        try {
            one.load(new StringReader(text));
        } catch (IllegalArgumentException | IOException e) {
            throw problem(path, line, "malformed \\uxxxx escape");
        }
        for (String key : one.stringPropertyNames()) {
            String value = one.getProperty(key);
            if (value.isEmpty() && content.indexOf('=') < 0 && content.indexOf(':') < 0) {
                throw problem(path, line, "'" + content.strip() + "' is not key=value");
            }
            if (!knownKeys.contains(key)) {
                throw problem(path, line, "unknown server config '" + key + "'; known: " + String.join(", ",
                        knownKeys));
            }
            into.setProperty(key, value);
            lines.put(key, line);
        }
    }

    private static boolean isBlankOrComment(String line) {
        String content = line.stripLeading();
        return content.isEmpty() || content.startsWith("#") || content.startsWith("!");
    }

    private static boolean continues(CharSequence line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** The text of the file; refuses bytes that are not UTF-8 and control characters, naming where they are. */
    private static String decode(Path path, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int position = in.position();
            throw problem(path, lineAt(bytes, position), String.format("byte 0x%02X at column %d is not UTF-8 text; "
                    + "a config file is UTF-8 text (is this a binary file?)", bytes[position] & 0xFF,
                    columnAt(bytes, position)));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                int position = text.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
                throw problem(path, lineAt(bytes, position), String.format("control character 0x%02X at column %d; "
                        + "a config file is text (is this a binary file?)", (int) c, columnAt(bytes, position)));
            }
        }
        return text;
    }

    /** The 1-based line of a byte; lines end with LF, CR LF or CR, as {@link #read} splits them. */
    private static int lineAt(byte[] bytes, int position) {
        int line = 1;
        for (int i = 0; i < position; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
                line++;
            }
        }
        return line;
    }

    /** The 1-based column of a byte on its line, counted in bytes. */
    private static int columnAt(byte[] bytes, int position) {
        int start = position;
        while (start > 0 && bytes[start - 1] != '\n' && bytes[start - 1] != '\r') {
            start--;
        }
        return position - start + 1;
    }

    private static IllegalArgumentException problem(Path path, int line, String what) {
        return new IllegalArgumentException("config file " + path + ", line " + line + ": " + what);
    }
}
