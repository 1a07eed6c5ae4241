/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node.tier.local;

import io.tierpool.client.ConfigurationException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks, before a store opens its file-backed tiers, that their capacities fit in the usable space of the
 * filesystems under their directories: each tier's alone, and VVRAM plus VSSD together when they share a
 * filesystem. One implementation for the library ({@code BlockStore}, behind {@code TierPool.open}) and the node
 * daemon's configuration, which differ only in how they name the settings in the messages ({@link Setting}).
 * <p>
 * A directory that does not exist yet is measured at its nearest existing ancestor (the tier creates it). The
 * space is read once, at the check: it is no reservation, and VSSD files grow as they fill, so the check stops a
 * capacity that could never be reached (a petabyte on an 80 GB disk), not other processes that fill the disk
 * later. Stateless and thread-safe.
 */
public final class TierSpace
{
    private TierSpace()
    {
    }

    /**
     * One tier's capacity and directory, with the words the messages use for them.
     *
     * @param tier          the tier's name, e.g. {@code "VSSD"}.
     * @param capacityBytes the capacity asked for, in bytes; 0 (the tier is disabled) is not checked.
     * @param dir           the directory the tier makes its files under.
     * @param capacityName  the setting to lower, e.g. {@code "vssdCapacityBytes (tierpool.vssd.capacity)"}.
     * @param capacityGiven the capacity setting as given, e.g. {@code "tier.vssd.capacity = '1p' (flag --vssd)"}.
     * @param dirName       the setting to point elsewhere, e.g. {@code "vssdDir (tierpool.vssd.dir)"}.
     * @param dirGiven      the directory setting as given, e.g. {@code "vssdDir=/data"}.
     */
    public record Setting(
        String tier,
        long capacityBytes,
        Path dir,
        String capacityName,
        String capacityGiven,
        String dirName,
        String dirGiven)
    {
        /**
         * The words of a setting made by a fluent setter or a system property (the library's).
         *
         * @param tier          the tier's name, e.g. {@code "VSSD"}.
         * @param capacityBytes the capacity asked for, in bytes.
         * @param dir           the tier's directory.
         * @param capacityName  the capacity setting's name, e.g. {@code "vssdCapacityBytes (tierpool.vssd.capacity)"}.
         * @param dirName       the directory setting's name.
         * @return the setting.
         */
        public static Setting of(
            final String tier, final long capacityBytes, final Path dir, final String capacityName, final String dirName)
        {
            return new Setting(tier, capacityBytes, dir, capacityName, capacityName + " = " + capacityBytes,
                dirName, dirName + " = " + dir);
        }
    }

    /**
     * Checks the VVRAM and VSSD capacities against the usable space under their directories.
     *
     * @param vvram the VVRAM tier's setting (capacity 0 when disabled).
     * @param vssd  the VSSD tier's setting (capacity 0 when disabled).
     * @throws ConfigurationException if a capacity is more than the usable space of its filesystem, or the two
     *                                together are more than the filesystem they share; the message names the
     *                                tier, the setting as given, the directory, the bytes asked and usable, and
     *                                what to do. Also if the usable space cannot be read.
     */
    public static void check(final Setting vvram, final Setting vssd)
    {
        final FileStore vvramStore = vvram.capacityBytes() > 0 ? fileStore(vvram) : null;
        final FileStore vssdStore = vssd.capacityBytes() > 0 ? fileStore(vssd) : null;
        if (null != vvramStore)
        {
            checkFits(vvram, vvramStore);
        }
        if (null != vssdStore)
        {
            checkFits(vssd, vssdStore);
        }
        if (null != vvramStore && vvramStore.equals(vssdStore))
        {
            final long usable = usableSpace(vvram, vvramStore);
            if (vvram.capacityBytes() > usable - vssd.capacityBytes())
            {
                throw new ConfigurationException(vvram.capacityGiven() + " plus " + vssd.capacityGiven() +
                    " is more than the filesystem they share can hold (" + vvram.dirGiven() + ", " +
                    vssd.dirGiven() + "): the " + vvram.tier() + " and " + vssd.tier() + " tiers ask " +
                    (vvram.capacityBytes() + vssd.capacityBytes()) + " bytes, " + describeSpace(vvramStore, usable) +
                    "; lower the capacities or put the tiers on different filesystems");
            }
        }
    }

    private static void checkFits(final Setting setting, final FileStore store)
    {
        final long usable = usableSpace(setting, store);
        final long bytes = setting.capacityBytes();
        if (bytes > usable)
        {
            final boolean tmpfs = "tmpfs".equals(store.type());
            throw new ConfigurationException(setting.capacityGiven() + " is " + bytes + " bytes" +
                String.format(Locale.ROOT, " (%.1f GiB)", bytes / (double)(1L << 30)) + " for the " +
                setting.tier() + " tier, more than the filesystem of " + setting.dirGiven() + " can hold: " +
                describeSpace(store, usable) + "; lower " + setting.capacityName() + " or point " +
                setting.dirName() + " at a larger " + (tmpfs ? "tmpfs (in Docker, raise shm_size)" : "filesystem"));
        }
    }

    private static FileStore fileStore(final Setting setting)
    {
        Path existing = setting.dir().toAbsolutePath().normalize();
        while (null != existing && !Files.exists(existing))
        {
            existing = existing.getParent();
        }
        try
        {
            if (null == existing)
            {
                throw new IOException("no part of the path exists");
            }
            return Files.getFileStore(existing);
        }
        catch (final IOException ex)
        {
            throw unreadable(setting, ex);
        }
    }

    private static long usableSpace(final Setting setting, final FileStore store)
    {
        try
        {
            return store.getUsableSpace();
        }
        catch (final IOException ex)
        {
            throw unreadable(setting, ex);
        }
    }

    private static ConfigurationException unreadable(final Setting setting, final IOException ex)
    {
        return new ConfigurationException(setting.dirGiven() + " (the " + setting.tier() + " tier's directory) is " +
            "on a filesystem whose free space cannot be read (" + ex + "): give a directory on a local filesystem " +
            "this process can read", ex);
    }

    private static String describeSpace(final FileStore store, final long usable)
    {
        return String.format(Locale.ROOT, "%d bytes (%.1f GiB) usable on %s, type %s",
            usable, usable / (double)(1L << 30), store, store.type());
    }
}
