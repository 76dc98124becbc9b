package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice perf}: throughput tools with the knobs of Kafka's perf tools. */
@Command(name = "perf", mixinStandardHelpOptions = true,
        description = "Measure producer and consumer throughput.",
        subcommands = {PerfProduceCommand.class, PerfConsumeCommand.class, PerfE2eCommand.class})
public final class PerfCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: produce or consume");
    }
}
