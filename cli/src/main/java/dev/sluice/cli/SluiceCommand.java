package dev.sluice.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root {@code sluice} command; without a subcommand it reports that one is needed. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0-SNAPSHOT",
        description = "Sluice event-streaming platform: servers, topics, producing and consuming.",
        subcommands = {
            TopicCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            ClusterCommand.class,
            BrokerCommand.class,
            PartitionCommand.class,
            GroupCommand.class,
            AclCommand.class,
            ServerCommand.class,
            DevCommand.class,
            DemoCommand.class,
            PerfCommand.class,
            KubeCommand.class,
            CertCommand.class,
            UserCommand.class,
            QuotaCommand.class,
        })
public final class SluiceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command (see 'sluice --help')");
    }
}
