package dev.sluice.cli;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * JSON-like event values for {@code sluice perf produce --payload json}: a realistic shape (ids, names, emails,
 * an address, tags, free text from a small vocabulary), padded or cut to the requested size, so compression
 * ratios resemble those of application events rather than of random letters. Deterministic for a seed.
 */
final class JsonPayload {
    private static final String[] WORDS = {"order", "customer", "shipped", "pending", "payment", "refund",
        "invoice", "delivery", "warehouse", "priority", "standard", "express", "family", "member", "signup",
        "welcome", "email", "account", "profile", "updated", "created", "cancelled", "discount", "coupon",
        "street", "avenue", "berlin", "paris", "london", "madrid", "rome", "vienna", "product", "category",
        "electronics", "books", "garden", "kitchen", "sports", "toys", "review", "rating", "stars", "comment"};
    private static final String[] EVENTS = {"signup", "login", "purchase", "refund", "profile_update", "logout"};

    private JsonPayload() {
    }

    static byte[] next(SplittableRandom random, long index, int sizeBytes) {
        StringBuilder json = new StringBuilder(sizeBytes + 64);
        int member = random.nextInt(100_000);
        json.append("{\"id\":").append(index)
                .append(",\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)])
                .append("\",\"member_id\":").append(member)
                .append(",\"name\":\"member-").append(member)
                .append("\",\"email\":\"member").append(member).append("@example.com\"")
                .append(",\"timestamp_ms\":").append(1_700_000_000_000L + index * 17 + random.nextInt(1000))
                .append(",\"amount_cents\":").append(random.nextInt(100_000))
                .append(",\"address\":{\"street\":\"").append(random.nextInt(500)).append(' ')
                .append(word(random)).append(" ").append(word(random)).append("\",\"city\":\"").append(word(random))
                .append("\",\"zip\":\"").append(10_000 + random.nextInt(90_000)).append("\"}")
                .append(",\"tags\":[\"").append(word(random)).append("\",\"").append(word(random)).append("\"]")
                .append(",\"notes\":\"");
        while (json.length() < sizeBytes - 2) {
            json.append(word(random)).append(' ');
        }
        json.setLength(Math.max(0, sizeBytes - 2));
        json.append("\"}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String word(SplittableRandom random) {
        return WORDS[random.nextInt(WORDS.length)];
    }
}
