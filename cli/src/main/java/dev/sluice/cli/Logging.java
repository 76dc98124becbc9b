package dev.sluice.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels per kind of command. Logs always go to stderr (logback.xml), so stdout carries only data; a server
 * logs at INFO, client commands and the demo only warnings.
 */
final class Logging {
    private Logging() {
    }

    static void serverMode() {
        root().setLevel(Level.INFO);
    }

    static void clientMode() {
        root().setLevel(Level.WARN);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
