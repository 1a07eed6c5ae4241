/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, first thing in {@link TierPool#open(TierPool.Context)}, that this JVM was started with the module
 * openings the client's libraries need on Java 17+ ({@value #OPTIONS_RESOURCE}), so that a missing flag fails
 * {@code open} at once with a message naming it, rather than with an {@link IllegalAccessError} from deep inside
 * Agrona.
 * <p>
 * Today that is one package: Agrona, under Aeron, calls {@code jdk.internal.misc.Unsafe}, so {@code java.base}
 * must export (or open) {@code jdk.internal.misc} to the module holding TierPool: the unnamed module
 * ({@code ALL-UNNAMED}) when the jars are on the class path, the module's own name when they are on the module
 * path. {@code --add-exports} is enough for Agrona and is accepted; the flag the message asks for is the
 * {@code --add-opens} Aeron and Agrona document.
 * <p>
 * Thread-safe: stateless.
 */
final class JvmAccessCheck
{
    /** Class path resource listing the client's JVM options, one per line, {@code #} comments. */
    static final String OPTIONS_RESOURCE = "/io/tierpool/client/jvm.options";

    /** The packages the client needs opened to it, each as {@code module/package}. */
    static final List<String> REQUIRED_PACKAGES = List.of("java.base/jdk.internal.misc");

    private JvmAccessCheck()
    {
    }

    /**
     * Checks the packages of {@link #REQUIRED_PACKAGES} are open to TierPool's module.
     *
     * @throws ConfigurationException naming every missing flag, if any is missing.
     */
    static void check()
    {
        check(TierPool.class.getModule());
    }

    /**
     * Checks the packages of {@link #REQUIRED_PACKAGES} are open to a module.
     *
     * @param reader the module that needs them.
     * @throws ConfigurationException naming every missing flag, if any is missing.
     */
    static void check(final Module reader)
    {
        final List<String> missing = missingFlags(reader);
        if (!missing.isEmpty())
        {
            final String flags = String.join(" ", missing);
            throw new ConfigurationException("TierPool needs the JVM flag" + (missing.size() > 1 ? "s " : " ") +
                flags + " (Agrona, which Aeron is built on, uses jdk.internal.misc.Unsafe), and this JVM (Java " +
                Runtime.version().feature() + ") was started without " + (missing.size() > 1 ? "them" : "it") +
                ": add " + flags + " to the java command line before the main class or -jar (for example " +
                "java " + flags + " -cp app.jar:... Main), to JDK_JAVA_OPTIONS, or to your build's test " +
                "argLine; the tierpool-client jar lists it in " + OPTIONS_RESOURCE.substring(1) +
                ", usable as java @jvm.options");
        }
    }

    /**
     * @param reader the module that needs the packages.
     * @return the flags, each as {@code --add-opens module/package=target}, this JVM lacks for {@code reader};
     * empty when it has them all.
     */
    static List<String> missingFlags(final Module reader)
    {
        final List<String> missing = new ArrayList<>();
        for (final String required : REQUIRED_PACKAGES)
        {
            final int slash = required.indexOf('/');
            final String moduleName = required.substring(0, slash);
            final String packageName = required.substring(slash + 1);
            final Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
            // Opening a package exports it too; either is enough for Agrona's calls.
            if (module.isEmpty() || !module.get().isExported(packageName, reader))
            {
                missing.add(flag(required, reader));
            }
        }
        return missing;
    }

    /**
     * @param modulePackage {@code module/package}.
     * @param reader        the module it is to be opened to.
     * @return {@code --add-opens module/package=ALL-UNNAMED}, or {@code =<module name>} for a named module.
     */
    static String flag(final String modulePackage, final Module reader)
    {
        return "--add-opens " + modulePackage + "=" + (reader.isNamed() ? reader.getName() : "ALL-UNNAMED");
    }
}
