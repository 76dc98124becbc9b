package dev.sluice.chaos.nemesis;

/** SIGSTOP of one node (the active controller half of the time, else a random node); heal sends SIGCONT. */
public final class PauseNemesis implements Nemesis {
    private int paused = -1;

    @Override
    public String name() {
        return "pause";
    }

    @Override
    public String start(NemesisContext context) {
        boolean controller = context.random().nextBoolean();
        paused = controller ? context.activeControllerOrRandom() : context.pick(context.nodeIds());
        context.cluster().pause(paused);
        return "SIGSTOP node " + paused + (controller ? " (active controller)" : " (random node)");
    }

    @Override
    public String heal(NemesisContext context) {
        context.cluster().resume(paused);
        return "SIGCONT node " + paused;
    }
}
