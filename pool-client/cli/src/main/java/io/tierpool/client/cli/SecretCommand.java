/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.client.ConfigurationException;
import io.tierpool.transport.ClusterSecret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tierpool secret --out FILE}: writes a new cluster secret (32 random bytes from {@code SecureRandom}, in
 * hexadecimal) to a file that must not exist yet, created readable and writable by its owner only. The secret is
 * never printed. Give the file to node daemons ({@code security.secret.file}) and clients
 * ({@code TIERPOOL_SECRET_FILE}); docs/SECURITY.md says how to rotate it.
 */
@Command(
    name = "secret",
    mixinStandardHelpOptions = true,
    description = "Write a new cluster secret to a new file, readable by its owner only (the secret is never " +
        "printed). Nodes read it with security.secret.file=FILE, clients with TIERPOOL_SECRET_FILE=FILE.")
final class SecretCommand implements Callable<Integer>
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE",
        description = "The file to create; it must not exist (a secret is never overwritten).")
    private Path out;

    public Integer call()
    {
        try
        {
            final ClusterSecret secret = ClusterSecret.writeNew(out);
            spec.commandLine().getOut().println("wrote a new " + secret.bytes().length * 8 + "-bit cluster secret " +
                "to " + out + " (owner read/write only). Nodes: security.secret.file=" + out + " (or " +
                ClusterSecret.SECRET_FILE_ENV + "); clients: " + ClusterSecret.SECRET_FILE_ENV + "=" + out);
            return 0;
        }
        catch (final ConfigurationException ex)
        {
            spec.commandLine().getErr().println("tierpool secret: " + ex.getMessage());
            return TierPoolCli.EXIT_ERROR;
        }
    }
}
