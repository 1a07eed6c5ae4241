/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tierpool} command line: {@code demo} runs an out-of-core matrix multiply on an embedded cluster,
 * {@code stats} shows a node daemon's tiers, {@code top} shows every live node's tiers, refreshed.
 * {@code secret} writes a new cluster secret to an owner-only file.
 * {@code tierpool --help} and {@code tierpool <command> --help} list the flags.
 * <p>
 * Exit codes: 0 success, 1 the demo's product failed verification, 2 bad flags or an error.
 */
@Command(
    name = "tierpool",
    mixinStandardHelpOptions = true,
    versionProvider = TierPoolCli.Version.class,
    description = "TierPool: a distributed tiered memory pool (RAM, tmpfs, local disk, far memory over Aeron).",
    subcommands = { DemoCommand.class, StatsCommand.class, TopCommand.class, SecretCommand.class,
        CommandLine.HelpCommand.class })
public final class TierPoolCli implements Runnable
{
    /**
     * Exit code of a demo whose product failed verification.
     */
    public static final int EXIT_FAILED = 1;

    /**
     * Exit code of bad flags or an error.
     */
    public static final int EXIT_ERROR = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command and its flags.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line, ready to {@link CommandLine#execute(String...)}; exit codes as in the class
     *         comment.
     */
    public static CommandLine commandLine()
    {
        return new CommandLine(new TierPoolCli())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExitCodeExceptionMapper((ex) -> EXIT_ERROR);
    }

    /**
     * Without a command: print the usage and fail, naming the commands.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: demo, stats, top or secret");
    }

    /**
     * The version from the jar's manifest, or the build's version when run from classes.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = TierPoolCli.class.getPackage().getImplementationVersion();
            return new String[]
            {
                "tierpool " + (null == version ? "0.1.0-SNAPSHOT" : version),
                "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})",
                "OS: ${os.name} ${os.version} ${os.arch}"
            };
        }
    }
}
