package dev.sluice.examples;

/**
 * The seed scenario's event: a family member joined, sent as JSON to the {@code family} topic, keyed by
 * {@link #id()} so that all events of one member land on one partition, in order.
 */
public record FamilyEvent(String id, String name, String relation, String email, long createdAtMs) {

    /** A deterministic event for sequence number {@code i}, so a run is reproducible. */
    public static FamilyEvent numbered(int i, long nowMs) {
        String[] relations = {"parent", "child", "sibling", "grandparent", "cousin"};
        String[] names = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"};
        String name = names[i % names.length] + " " + (i / names.length);
        String id = "member-" + i;
        return new FamilyEvent(id, name, relations[i % relations.length],
                name.toLowerCase(java.util.Locale.ROOT).replace(' ', '.') + "@example.org", nowMs);
    }
}
