package dev.sluice.chaos.cluster;

/** One node of a topology: its id and its {@code --roles} ({@code controller}, {@code broker} or both). */
public record NodeSpec(int id, String roles) {
    public boolean isController() {
        return roles.contains("controller");
    }

    public boolean isBroker() {
        return roles.contains("broker");
    }
}
