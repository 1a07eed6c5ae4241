/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client.cli;

import io.tierpool.transport.ClusterSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretCommandTest
{
    @Test
    void shouldWriteAnOwnerOnlySecretFileNeverPrintItAndNeverOverwriteIt(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("cluster.secret");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = TierPoolCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        assertEquals(0, cli.execute("secret", "--out", file.toString()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final ClusterSecret secret = ClusterSecret.fromFile(file);
        assertEquals(ClusterSecret.GENERATED_LENGTH, secret.bytes().length);
        assertFalse(out.toString().contains(secret.toHex()), "the secret was printed");
        assertFalse(secret.toString().contains(secret.toHex()), "toString shows the secret");
        assertEquals(secret.toHex(), ClusterSecret.fromEnvironment(
            Map.of(ClusterSecret.SECRET_FILE_ENV, file.toString())).toHex());

        assertEquals(TierPoolCli.EXIT_ERROR, cli.execute("secret", "--out", file.toString()));
        assertTrue(err.toString().contains("exists already"), err.toString());
        assertEquals(secret.toHex(), ClusterSecret.fromFile(file).toHex());

        final Path credential = dir.resolve("client-1f.credential");
        assertEquals(0, cli.execute("secret", "--client-id", "1f", "--from", file.toString(), "--out",
            credential.toString()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credential)));
        assertEquals(secret.clientCredential(0x1f).toHex(), ClusterSecret.fromFile(credential).toHex());
        assertNotEquals(secret.toHex(), ClusterSecret.fromFile(credential).toHex());

        final Path second = dir.resolve("next.secret");
        assertEquals(0, cli.execute("secret", "--out", second.toString()));
        assertNotEquals(secret.toHex(), ClusterSecret.fromFile(second).toHex());
    }
}
