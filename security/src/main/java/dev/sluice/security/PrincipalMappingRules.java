package dev.sluice.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Maps a client certificate's subject (its distinguished name in RFC 2253 form, e.g.
 * {@code CN=orders,OU=payments,O=Example}) to a principal name, with Kafka's {@code ssl.principal.mapping.rules}
 * syntax and semantics: a comma-separated list of
 * <ul>
 *   <li>{@code RULE:pattern/replacement/} with an optional {@code L} (lower-case the result) or {@code U}
 *       (upper-case) after the last slash: when the regular expression {@code pattern} matches the whole name, the
 *       principal is the name with the match replaced by {@code replacement} ({@code $1} for groups); a slash inside
 *       the pattern or replacement is written {@code \/};</li>
 *   <li>{@code DEFAULT}: the name itself.</li>
 * </ul>
 * The first rule that matches decides; when none does, or the result is empty, there is no principal and the
 * connection is refused. The default rules are {@code DEFAULT}. Pure; immutable; any thread.
 */
public final class PrincipalMappingRules {
    public static final PrincipalMappingRules DEFAULT = parse("DEFAULT");

    private final List<Rule> rules;
    private final String text;

    private record Rule(Pattern pattern, String replacement, Case resultCase) {
    }

    private enum Case { KEEP, LOWER, UPPER }

    private PrincipalMappingRules(List<Rule> rules, String text) {
        this.rules = List.copyOf(rules);
        this.text = text;
    }

    /** Parses the rules; a malformed list is a {@link TlsConfigException} naming the place it goes wrong. */
    public static PrincipalMappingRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        int i = skipSeparators(text, 0);
        while (i < text.length()) {
            if (text.startsWith("DEFAULT", i)) {
                rules.add(new Rule(null, null, Case.KEEP));
                i += "DEFAULT".length();
            } else if (text.startsWith("RULE:", i)) {
                int patternEnd = unescapedSlash(text, i + "RULE:".length());
                int replacementEnd = patternEnd < 0 ? -1 : unescapedSlash(text, patternEnd + 1);
                if (replacementEnd < 0) {
                    throw bad(text, i, "a RULE needs the form RULE:pattern/replacement/ (optionally L or U after)");
                }
                Case resultCase = Case.KEEP;
                int next = replacementEnd + 1;
                if (next < text.length() && (text.charAt(next) == 'L' || text.charAt(next) == 'U')) {
                    resultCase = text.charAt(next) == 'L' ? Case.LOWER : Case.UPPER;
                    next++;
                }
                rules.add(new Rule(compile(text, i, text.substring(i + "RULE:".length(), patternEnd)),
                        text.substring(patternEnd + 1, replacementEnd), resultCase));
                i = next;
            } else {
                throw bad(text, i, "expected DEFAULT or RULE:pattern/replacement/[LU]");
            }
            int after = skipSpaces(text, i);
            if (after < text.length() && text.charAt(after) != ',' && text.charAt(after) != '\n') {
                throw bad(text, after, "expected a comma between rules");
            }
            i = skipSeparators(text, after);
        }
        if (rules.isEmpty()) {
            throw new TlsConfigException("principal mapping rules are empty; use DEFAULT for the certificate's name");
        }
        return new PrincipalMappingRules(rules, text);
    }

    /** The principal of {@code distinguishedName} (RFC 2253), or empty when no rule gives one. */
    public Optional<String> map(String distinguishedName) {
        for (Rule rule : rules) {
            if (rule.pattern() == null) {
                return nonEmpty(distinguishedName);
            }
            Matcher matcher = rule.pattern().matcher(distinguishedName);
            if (matcher.matches()) {
                String result = matcher.replaceAll(rule.replacement());
                return nonEmpty(switch (rule.resultCase()) {
                    case KEEP -> result;
                    case LOWER -> result.toLowerCase(Locale.ROOT);
                    case UPPER -> result.toUpperCase(Locale.ROOT);
                });
            }
        }
        return Optional.empty();
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Pattern compile(String text, int at, String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw bad(text, at, "the pattern '" + pattern + "' is not a regular expression (" + e.getDescription()
                    + ")");
        }
    }

    /** The index of the first slash at or after {@code from} that no backslash escapes, or -1. */
    private static int unescapedSlash(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '/') {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && text.charAt(i) != '\n' && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSeparators(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
            i++;
        }
        return i;
    }

    private static TlsConfigException bad(String text, int at, String why) {
        return new TlsConfigException("bad principal mapping rules '" + text + "' at character " + at + ": " + why);
    }

    @Override
    public String toString() {
        return text;
    }
}
