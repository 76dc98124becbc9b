package dev.sluice.chaos.history;

/** Where an operation stands: invoked, or completed as ok, fail (did not happen) or info (may have happened). */
public enum OpType {
    INVOKE, OK, FAIL, INFO
}
