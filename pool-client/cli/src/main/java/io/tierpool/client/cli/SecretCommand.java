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

    @Option(names = "--client-id", paramLabel = "HEX",
        description = "Write a per-client credential for this client id (hexadecimal) instead of a new cluster " +
            "secret: the client authenticates with it under that id only. Needs --from.")
    private String clientId;

    @Option(names = "--from", paramLabel = "FILE",
        description = "The cluster secret's file that the --client-id credential is derived from.")
    private Path from;

    public Integer call()
    {
        try
        {
            if (null != clientId)
            {
                if (null == from)
                {
                    throw new ConfigurationException("--client-id needs --from CLUSTER_SECRET_FILE");
                }
                final long id = Long.parseUnsignedLong(clientId, 16);
                ClusterSecret.fromFile(from).writeClientCredential(out, id);
                spec.commandLine().getOut().println("wrote the credential of client " + Long.toHexString(id) +
                    " to " + out + " (owner read/write only). The client: TierPool.Context.clientCredential(" +
                    out + ", 0x" + Long.toHexString(id) + "L)");
                return 0;
            }
            final ClusterSecret secret = ClusterSecret.writeNew(out);
            spec.commandLine().getOut().println("wrote a new " + secret.bytes().length * 8 + "-bit cluster secret " +
                "to " + out + " (owner read/write only). Nodes: security.secret.file=" + out + " (or " +
                ClusterSecret.SECRET_FILE_ENV + "); clients: " + ClusterSecret.SECRET_FILE_ENV + "=" + out);
            return 0;
        }
        catch (final NumberFormatException ex)
        {
            spec.commandLine().getErr().println("tierpool secret: --client-id " + clientId +
                " is not a hexadecimal client id");
            return TierPoolCli.EXIT_ERROR;
        }
        catch (final ConfigurationException ex)
        {
            spec.commandLine().getErr().println("tierpool secret: " + ex.getMessage());
            return TierPoolCli.EXIT_ERROR;
        }
    }
}
