/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.node;

import io.tierpool.client.ConfigurationException;
import io.tierpool.client.TierPoolException;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A node daemon running as a child JVM of this process: what tests, the demo and the local-cluster tooling use to
 * start real, separate node processes.
 * <p>
 * {@link #start(Context)} launches {@code java} (after the {@link Context#commandPrefix(List)}, if any, such as
 * {@code ip netns exec <namespace>}) with the options of the {@value #JVM_OPTIONS_RESOURCE} resource (the
 * same file surefire and the launcher scripts use), a heap of {@code -Xms64m -Xmx}{@link Context#maxHeap()}, its
 * own {@code java.io.tmpdir} and the given classpath, main class and arguments. The child's standard output and
 * error go to one log file in a temporary directory of this process, and {@code start} returns once the child has
 * printed its ready line:
 * <pre>
 * TIERPOOL-NODE-READY name=node-1 endpoint=127.0.0.1:40501
 * </pre>
 * that is {@link #READY_LINE_PREFIX} then space-separated {@code key=value} pairs (values hold no spaces), parsed
 * into {@link #readyInfo()}. {@link #formatReadyLine(Map)} writes such a line.
 * <p>
 * The temporary directory (log and the child's {@code java.io.tmpdir}, so whatever the child leaves there after a
 * {@link #kill()}) is removed by {@link #close()}, unless the system property {@value #KEEP_LOGS_PROP_NAME} is
 * {@code true}. A JVM shutdown hook stops the child if this process exits without closing it; a child whose parent
 * is killed with {@code kill -9} keeps running.
 * <p>
 * Thread-safe.
 * <pre>{@code
 * try (NodeProcess node = NodeProcess.start(new NodeProcess.Context().name("node-1").arguments(List.of("--name", "node-1"))))
 * {
 *     String endpoint = node.endpoint();
 * }
 * }</pre>
 */
public final class NodeProcess implements AutoCloseable
{
    /** What a node daemon prints, at the start of a line, followed by {@code key=value} pairs, once it serves. */
    public static final String READY_LINE_PREFIX = "TIERPOOL-NODE-READY ";

    /** Ready-line key of the daemon's name. */
    public static final String READY_KEY_NAME = "name";

    /** Ready-line key of the daemon's Aeron endpoint, {@code host:port}. */
    public static final String READY_KEY_ENDPOINT = "endpoint";

    /** Class path resource listing the JVM options of every TierPool JVM, one per line, {@code #} comments. */
    public static final String JVM_OPTIONS_RESOURCE = "/io/tierpool/node/jvm.options";

    /** System property: {@code true} keeps each child's temporary directory and log after {@link #close()}. */
    public static final String KEEP_LOGS_PROP_NAME = "tierpool.keepLogs";

    /** Default main class of the child JVM. */
    public static final String MAIN_CLASS_DEFAULT = "io.tierpool.node.NodeDaemon";

    /** Default maximum heap of the child JVM, as given to {@code -Xmx}. */
    public static final String MAX_HEAP_DEFAULT = "512m";

    /** Initial heap of the child JVM, as given to {@code -Xms}. */
    public static final String INITIAL_HEAP = "64m";

    /** Default time to wait for the ready line: 60 s. */
    public static final long READY_TIMEOUT_MS_DEFAULT = 60_000;

    /** Default time {@link #close()} waits for the child to stop after SIGTERM before killing it: 15 s. */
    public static final long STOP_TIMEOUT_MS_DEFAULT = 15_000;

    /** How many log lines a start failure's message quotes. */
    public static final int FAILURE_LOG_LINES = 40;

    private static final Pattern HEAP_PATTERN = Pattern.compile("\\d+[kKmMgG]?");
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]+");
    private static final long POLL_INTERVAL_MS = 20;
    private static final long KILL_WAIT_MS = 10_000;
    private static final int TAIL_READ_BYTES = 256 * 1024;

    private final String name;
    private final Process process;
    private final Path directory;
    private final Path logFile;
    private final long stopTimeoutMs;
    private final Thread shutdownHook;
    private volatile Map<String, String> readyInfo = Map.of();
    private boolean closed;

    /**
     * Configuration of one child node process. Not thread-safe; {@link NodeProcess#start} concludes it.
     */
    public static final class Context
    {
        private String name = "node";
        private String javaExecutable;
        private String maxHeap = MAX_HEAP_DEFAULT;
        private String classpath = System.getProperty("java.class.path");
        private String mainClass = MAIN_CLASS_DEFAULT;
        private List<String> arguments = List.of();
        private Map<String, String> environment = Map.of();
        private List<String> extraJvmOptions = List.of();
        private List<String> commandPrefix = List.of();
        private long readyTimeoutMs = READY_TIMEOUT_MS_DEFAULT;
        private long stopTimeoutMs = STOP_TIMEOUT_MS_DEFAULT;
        private Path directoryParent = Paths.get(System.getProperty("java.io.tmpdir"));

        /**
         * Check every setting and fill in the defaults that depend on this JVM.
         *
         * @return this, for chaining.
         * @throws ConfigurationException naming the first missing or malformed setting.
         */
        public Context conclude()
        {
            if (null == name || !NAME_PATTERN.matcher(name).matches())
            {
                throw new ConfigurationException(
                    "NodeProcess name must be letters, digits, '.', '_' or '-', was '" + name + "'");
            }

            if (null == javaExecutable)
            {
                javaExecutable = ProcessHandle.current().info().command()
                    .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            }

            if (!Files.isExecutable(Paths.get(javaExecutable)))
            {
                throw new ConfigurationException("NodeProcess javaExecutable '" + javaExecutable +
                    "' is not an executable file");
            }

            if (null == maxHeap || !HEAP_PATTERN.matcher(maxHeap).matches())
            {
                throw new ConfigurationException(
                    "NodeProcess maxHeap must be a size such as 512m or 2g, was '" + maxHeap + "'");
            }

            if (null == classpath || classpath.isBlank())
            {
                throw new ConfigurationException("NodeProcess classpath must not be empty, was '" + classpath + "'");
            }

            if (null == mainClass || mainClass.isBlank())
            {
                throw new ConfigurationException("NodeProcess mainClass must be set, was '" + mainClass + "'");
            }

            if (null == arguments || arguments.stream().anyMatch(Objects::isNull))
            {
                throw new ConfigurationException("NodeProcess arguments must not be or hold null: " + arguments);
            }

            if (null == extraJvmOptions || extraJvmOptions.stream().anyMatch(Objects::isNull))
            {
                throw new ConfigurationException(
                    "NodeProcess extraJvmOptions must not be or hold null: " + extraJvmOptions);
            }

            if (null == commandPrefix || commandPrefix.stream().anyMatch((word) -> null == word || word.isEmpty()))
            {
                throw new ConfigurationException("NodeProcess commandPrefix must not be null or hold null or empty " +
                    "words, was " + commandPrefix + "; give it as separate words, e.g. [ip, netns, exec, ns1]");
            }

            if (readyTimeoutMs <= 0)
            {
                throw new ConfigurationException("NodeProcess readyTimeoutMs must be positive, was " + readyTimeoutMs);
            }

            if (stopTimeoutMs < 0)
            {
                throw new ConfigurationException("NodeProcess stopTimeoutMs must be 0 or more, was " + stopTimeoutMs);
            }

            if (null == directoryParent || !Files.isDirectory(directoryParent) || !Files.isWritable(directoryParent))
            {
                throw new ConfigurationException(
                    "NodeProcess directoryParent must be a writable directory, was " + directoryParent);
            }

            return this;
        }

        /**
         * @param name the daemon's name, used in file names and messages: letters, digits, '.', '_' or '-';
         *             default {@code node}. It is not passed to the child: put it in {@link #arguments(List)}.
         * @return this, for chaining.
         */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @return the daemon's name.
         */
        public String name()
        {
            return name;
        }

        /**
         * @param javaExecutable path of the {@code java} launcher; default {@code null}: the launcher of this JVM, or
         *                       {@code ${java.home}/bin/java} when that is unknown.
         * @return this, for chaining.
         */
        public Context javaExecutable(final String javaExecutable)
        {
            this.javaExecutable = javaExecutable;
            return this;
        }

        /**
         * @return path of the {@code java} launcher, {@code null} until concluded if left to the default.
         */
        public String javaExecutable()
        {
            return javaExecutable;
        }

        /**
         * @param maxHeap the child's maximum heap, as {@code -Xmx} takes it (digits and an optional k, m or g);
         *                default {@value #MAX_HEAP_DEFAULT}. Tier memory is off-heap and not counted here.
         * @return this, for chaining.
         */
        public Context maxHeap(final String maxHeap)
        {
            this.maxHeap = maxHeap;
            return this;
        }

        /**
         * @return the child's maximum heap.
         */
        public String maxHeap()
        {
            return maxHeap;
        }

        /**
         * @param classpath the child's class path; default this JVM's {@code java.class.path} (under surefire a
         *                  manifest-only jar whose manifest lists the test class path, which works as well).
         * @return this, for chaining.
         */
        public Context classpath(final String classpath)
        {
            this.classpath = classpath;
            return this;
        }

        /**
         * @return the child's class path.
         */
        public String classpath()
        {
            return classpath;
        }

        /**
         * @param mainClass the child's main class; default {@value #MAIN_CLASS_DEFAULT}. It must print a ready line
         *                  starting with {@link #READY_LINE_PREFIX} on standard output once it serves.
         * @return this, for chaining.
         */
        public Context mainClass(final String mainClass)
        {
            this.mainClass = mainClass;
            return this;
        }

        /**
         * @return the child's main class.
         */
        public String mainClass()
        {
            return mainClass;
        }

        /**
         * @param environment variables to set in the child's environment on top of this process's own, for
         *                    example {@code TIERPOOL_RAM=64m} for a node daemon; default none.
         * @return this, for chaining.
         */
        public Context environment(final Map<String, String> environment)
        {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * @return the variables added to the child's environment.
         */
        public Map<String, String> environment()
        {
            return environment;
        }

        /**
         * @param arguments the arguments of the child's main method; default none.
         * @return this, for chaining.
         */
        public Context arguments(final List<String> arguments)
        {
            this.arguments = null == arguments ? null : new ArrayList<>(arguments);
            return this;
        }

        /**
         * @return the arguments of the child's main method.
         */
        public List<String> arguments()
        {
            return arguments;
        }

        /**
         * @param extraJvmOptions further JVM options, such as {@code -Dtierpool.cluster.discoveryPort=47700}, placed
         *                        after those of {@value #JVM_OPTIONS_RESOURCE} and the heap; default none.
         * @return this, for chaining.
         */
        public Context extraJvmOptions(final List<String> extraJvmOptions)
        {
            this.extraJvmOptions = null == extraJvmOptions ? null : new ArrayList<>(extraJvmOptions);
            return this;
        }

        /**
         * @return further JVM options.
         */
        public List<String> extraJvmOptions()
        {
            return extraJvmOptions;
        }

        /**
         * @param commandPrefix words placed before the {@code java} launcher on the child's command line, such as
         *                      {@code [ip, netns, exec, tp4711n1]} to run the node daemon inside the Linux network
         *                      namespace {@code tp4711n1} (root only), or {@code [taskset, -c, 1]} to pin it to a
         *                      core; default none (empty). Each word is one argument: nothing is split or passed to a
         *                      shell. The prefix must end by replacing itself with the command that follows it
         *                      ({@code exec}, as {@code ip netns exec}, {@code env}, {@code nice} and
         *                      {@code taskset} do), so that {@link NodeProcess#pid()} is the JVM's, and
         *                      {@link NodeProcess#close()} and {@link NodeProcess#kill()} signal the JVM itself; a
         *                      prefix that forks and waits would leave the JVM running when it is killed. A prefix
         *                      that fails (a namespace that does not exist) makes {@link NodeProcess#start} throw
         *                      with the prefix's message quoted from the log.
         * @return this, for chaining.
         */
        public Context commandPrefix(final List<String> commandPrefix)
        {
            this.commandPrefix = null == commandPrefix ? null : new ArrayList<>(commandPrefix);
            return this;
        }

        /**
         * @return words placed before the {@code java} launcher; empty for none.
         */
        public List<String> commandPrefix()
        {
            return commandPrefix;
        }

        /**
         * @param readyTimeoutMs milliseconds to wait for the ready line, positive; default
         *                       {@value #READY_TIMEOUT_MS_DEFAULT}.
         * @return this, for chaining.
         */
        public Context readyTimeoutMs(final long readyTimeoutMs)
        {
            this.readyTimeoutMs = readyTimeoutMs;
            return this;
        }

        /**
         * @return milliseconds to wait for the ready line.
         */
        public long readyTimeoutMs()
        {
            return readyTimeoutMs;
        }

        /**
         * @param stopTimeoutMs milliseconds {@link NodeProcess#close()} waits after SIGTERM before it kills the child,
         *                      0 or more; default {@value #STOP_TIMEOUT_MS_DEFAULT}.
         * @return this, for chaining.
         */
        public Context stopTimeoutMs(final long stopTimeoutMs)
        {
            this.stopTimeoutMs = stopTimeoutMs;
            return this;
        }

        /**
         * @return milliseconds to wait for a graceful stop.
         */
        public long stopTimeoutMs()
        {
            return stopTimeoutMs;
        }

        /**
         * @param directoryParent where the child's temporary directory {@code tierpool-node-<name>-<random>} is made;
         *                        default {@code java.io.tmpdir}.
         * @return this, for chaining.
         */
        public Context directoryParent(final Path directoryParent)
        {
            this.directoryParent = directoryParent;
            return this;
        }

        /**
         * @return where the child's temporary directory is made.
         */
        public Path directoryParent()
        {
            return directoryParent;
        }
    }

    private NodeProcess(
        final String name, final Process process, final Path directory, final Path logFile, final long stopTimeoutMs)
    {
        this.name = name;
        this.process = process;
        this.directory = directory;
        this.logFile = logFile;
        this.stopTimeoutMs = stopTimeoutMs;
        this.shutdownHook = new Thread(this::stopOnShutdown, "tierpool-node-process-" + name + "-shutdown");
    }

    /**
     * Launch the child JVM and wait for its ready line.
     *
     * @param ctx configuration, concluded here.
     * @return the running child, to be closed by the caller.
     * @throws ConfigurationException if {@code ctx} is invalid.
     * @throws TierPoolException      if the child cannot be launched, exits before its ready line, or does not print
     *                                it within {@link Context#readyTimeoutMs()}; the message holds the last
     *                                {@value #FAILURE_LOG_LINES} lines of its log. The child is stopped and its
     *                                directory removed (unless {@value #KEEP_LOGS_PROP_NAME} is set) before this is
     *                                thrown.
     */
    public static NodeProcess start(final Context ctx)
    {
        Objects.requireNonNull(ctx, "ctx").conclude();

        final Path directory;
        try
        {
            directory = Files.createTempDirectory(ctx.directoryParent(), "tierpool-node-" + ctx.name() + "-");
            Files.createDirectory(directory.resolve("tmp"));
        }
        catch (final IOException ex)
        {
            throw new TierPoolException("cannot create a directory for node process " + ctx.name() + " under " +
                ctx.directoryParent() + ": " + ex, ex);
        }

        final Path logFile = directory.resolve(ctx.name() + ".log");
        final List<String> command = command(ctx, directory.resolve("tmp"));
        final Process process;
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
            builder.environment().putAll(ctx.environment());
            process = builder.start();
        }
        catch (final IOException ex)
        {
            deleteQuietly(directory);
            throw new TierPoolException("cannot launch node process " + ctx.name() + " with " +
                ctx.javaExecutable() + ": " + ex, ex);
        }

        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ignore)
        {
            // The child's standard input is unused; a pipe that fails to close changes nothing.
        }

        final NodeProcess nodeProcess = new NodeProcess(ctx.name(), process, directory, logFile, ctx.stopTimeoutMs());
        try
        {
            Runtime.getRuntime().addShutdownHook(nodeProcess.shutdownHook);
            nodeProcess.awaitReady(ctx);
            return nodeProcess;
        }
        catch (final RuntimeException ex)
        {
            nodeProcess.closeAfterFailure();
            throw ex;
        }
    }

    /**
     * Format a ready line: {@link #READY_LINE_PREFIX} then {@code key=value} pairs in the map's order.
     *
     * @param info keys and values; neither may be empty or hold white space or {@code '='} (values may hold '=').
     * @return the line, without a line separator.
     * @throws IllegalArgumentException if a key or value is not acceptable.
     */
    public static String formatReadyLine(final Map<String, String> info)
    {
        final StringBuilder line = new StringBuilder(READY_LINE_PREFIX);
        for (final Map.Entry<String, String> entry : info.entrySet())
        {
            final String key = entry.getKey();
            final String value = entry.getValue();
            if (null == key || key.isEmpty() || key.indexOf('=') >= 0 || hasWhitespace(key))
            {
                throw new IllegalArgumentException("ready line key must be non-empty with no '=' or spaces: '" +
                    key + "'");
            }
            if (null == value || value.isEmpty() || hasWhitespace(value))
            {
                throw new IllegalArgumentException("ready line value for key " + key +
                    " must be non-empty with no spaces: '" + value + "'");
            }
            if (line.length() > READY_LINE_PREFIX.length())
            {
                line.append(' ');
            }
            line.append(key).append('=').append(value);
        }

        return line.toString();
    }

    /**
     * Parse a ready line.
     *
     * @param line a line of a node daemon's output.
     * @return its {@code key=value} pairs in order, or {@code null} if it does not start with
     * {@link #READY_LINE_PREFIX}; tokens without '=' are ignored.
     */
    public static Map<String, String> parseReadyLine(final String line)
    {
        if (!line.startsWith(READY_LINE_PREFIX))
        {
            return null;
        }

        final Map<String, String> info = new LinkedHashMap<>();
        for (final String token : line.substring(READY_LINE_PREFIX.length()).trim().split("\\s+"))
        {
            final int equals = token.indexOf('=');
            if (equals > 0)
            {
                info.put(token.substring(0, equals), token.substring(equals + 1));
            }
        }

        return Collections.unmodifiableMap(info);
    }

    /**
     * @return the JVM options of {@value #JVM_OPTIONS_RESOURCE}: its lines, trimmed, without blank and {@code #} lines.
     * @throws IllegalStateException if the resource is missing from the class path (a broken build).
     */
    public static List<String> jvmOptions()
    {
        final List<String> options = new ArrayList<>();
        try (InputStream in = NodeProcess.class.getResourceAsStream(JVM_OPTIONS_RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException(JVM_OPTIONS_RESOURCE + " is not on the class path; rebuild the node " +
                    "module (it lives in node/daemon/src/main/resources)");
            }

            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while (null != (line = reader.readLine()))
            {
                final String option = line.trim();
                if (!option.isEmpty() && !option.startsWith("#"))
                {
                    options.add(option);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read " + JVM_OPTIONS_RESOURCE + ": " + ex, ex);
        }

        return options;
    }

    /**
     * @return the name given in the context.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the child's process id.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return the child's exit status once it has exited, or -1 while it is alive.
     */
    public int exitCode()
    {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * @return whether the child is still running.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * @return the {@code key=value} pairs of the child's ready line, in order; unmodifiable.
     */
    public Map<String, String> readyInfo()
    {
        return readyInfo;
    }

    /**
     * @return the {@value #READY_KEY_ENDPOINT} of the ready line: the daemon's Aeron endpoint, {@code host:port}.
     * @throws IllegalStateException if the ready line had no endpoint.
     */
    public String endpoint()
    {
        final String endpoint = readyInfo.get(READY_KEY_ENDPOINT);
        if (null == endpoint)
        {
            throw new IllegalStateException("node process " + name + " (pid " + pid() + ") printed no " +
                READY_KEY_ENDPOINT + "= in its ready line: " + readyInfo);
        }

        return endpoint;
    }

    /**
     * @return the file holding the child's standard output and error; removed by {@link #close()} unless
     * {@value #KEEP_LOGS_PROP_NAME} is set.
     */
    public Path logFile()
    {
        return logFile;
    }

    /**
     * @return the child's temporary directory (its log and its {@code java.io.tmpdir}).
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param lines how many lines, 0 or more.
     * @return the last lines of the child's log (from its last 256 KiB), oldest first; empty if there is no log.
     * @throws IllegalArgumentException if lines is negative.
     */
    public List<String> logTail(final int lines)
    {
        if (lines < 0)
        {
            throw new IllegalArgumentException("lines must be 0 or more, was " + lines);
        }

        return readTail(logFile, lines);
    }

    /**
     * Kill the child at once (SIGKILL), as a crash would, and wait up to 10 s until it is gone. The child cannot
     * clean up; its temporary directory is still removed by {@link #close()}.
     */
    public void kill()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stop the child gracefully: SIGTERM, so its shutdown hooks leave the cluster cleanly; after
     * {@link Context#stopTimeoutMs()} SIGKILL. Then remove its temporary directory unless
     * {@value #KEEP_LOGS_PROP_NAME} is {@code true}. Idempotent. An interrupt while waiting kills the child at once
     * and keeps the interrupt flag.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }

        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is shutting down: the hook is running or will run and stops the child itself.
        }

        stop(stopTimeoutMs);
        if (!Boolean.getBoolean(KEEP_LOGS_PROP_NAME))
        {
            deleteQuietly(directory);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "NodeProcess{name=" + name + ", pid=" + process.pid() + ", alive=" + process.isAlive() +
            ", log=" + logFile + ", ready=" + readyInfo + '}';
    }

    private static List<String> command(final Context ctx, final Path childTmpDir)
    {
        final List<String> command = new ArrayList<>(ctx.commandPrefix());
        command.add(ctx.javaExecutable());
        command.addAll(jvmOptions());
        command.add("-Xms" + INITIAL_HEAP);
        command.add("-Xmx" + ctx.maxHeap());
        command.add("-Djava.io.tmpdir=" + childTmpDir.toAbsolutePath());
        command.addAll(ctx.extraJvmOptions());
        command.add("-cp");
        command.add(ctx.classpath());
        command.add(ctx.mainClass());
        command.addAll(ctx.arguments());

        return command;
    }

    private void awaitReady(final Context ctx)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.readyTimeoutMs());
        final StringBuilder pending = new StringBuilder();
        long position = 0;

        try (RandomAccessFile log = new RandomAccessFile(logFile.toFile(), "r"))
        {
            final byte[] chunk = new byte[8192];
            while (true)
            {
                final boolean aliveBeforeRead = process.isAlive();
                int read;
                log.seek(position);
                while ((read = log.read(chunk)) > 0)
                {
                    position += read;
                    pending.append(new String(chunk, 0, read, StandardCharsets.UTF_8));
                    int newline;
                    while ((newline = pending.indexOf("\n")) >= 0)
                    {
                        final String line = stripCarriageReturn(pending.substring(0, newline));
                        pending.delete(0, newline + 1);
                        final Map<String, String> info = parseReadyLine(line);
                        if (null != info)
                        {
                            readyInfo = info;
                            return;
                        }
                    }
                }

                if (!aliveBeforeRead)
                {
                    throw new TierPoolException("node process " + name + " (pid " + process.pid() +
                        ") exited with status " + process.exitValue() + " before printing its ready line '" +
                        READY_LINE_PREFIX.trim() + " ...'; " + describe(ctx) + failureLogTail());
                }

                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new TierPoolException("node process " + name + " (pid " + process.pid() +
                        ") did not print its ready line '" + READY_LINE_PREFIX.trim() + " ...' within " +
                        ctx.readyTimeoutMs() + " ms; it was killed. " + describe(ctx) + failureLogTail());
                }

                Thread.sleep(POLL_INTERVAL_MS);
            }
        }
        catch (final IOException ex)
        {
            throw new TierPoolException("cannot read the log " + logFile + " of node process " + name + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TierPoolException("interrupted while waiting for node process " + name + " to be ready", ex);
        }
    }

    private String describe(final Context ctx)
    {
        return (ctx.commandPrefix().isEmpty() ? "" : "command prefix " + ctx.commandPrefix() + ", ") +
            "main class " + ctx.mainClass() + ", arguments " + ctx.arguments() + ", log " + logFile +
            (Boolean.getBoolean(KEEP_LOGS_PROP_NAME) ? "" : " (removed; set -D" + KEEP_LOGS_PROP_NAME + "=true to keep it)");
    }

    private String failureLogTail()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }

        final List<String> tail = readTail(logFile, FAILURE_LOG_LINES);
        final StringBuilder sb = new StringBuilder()
            .append(System.lineSeparator())
            .append("last ").append(tail.size()).append(" lines of its log:");
        for (final String line : tail)
        {
            sb.append(System.lineSeparator()).append("  | ").append(line);
        }

        return sb.toString();
    }

    private void closeAfterFailure()
    {
        synchronized (this)
        {
            closed = true;
        }

        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is shutting down: the hook stops the child.
        }

        stop(0);
        if (!Boolean.getBoolean(KEEP_LOGS_PROP_NAME))
        {
            deleteQuietly(directory);
        }
    }

    private void stopOnShutdown()
    {
        stop(Math.min(stopTimeoutMs, 5_000));
        if (!Boolean.getBoolean(KEEP_LOGS_PROP_NAME))
        {
            deleteQuietly(directory);
        }
    }

    private void stop(final long gracefulMs)
    {
        try
        {
            if (process.isAlive() && gracefulMs > 0)
            {
                process.destroy();
                process.waitFor(gracefulMs, TimeUnit.MILLISECONDS);
            }

            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> readTail(final Path file, final int lines)
    {
        if (0 == lines)
        {
            return List.of();
        }

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final long length = raf.length();
            final long start = Math.max(0, length - TAIL_READ_BYTES);
            final byte[] bytes = new byte[(int)(length - start)];
            raf.seek(start);
            raf.readFully(bytes);

            final String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\r?\n", -1);
            int end = all.length;
            if (end > 0 && all[end - 1].isEmpty())
            {
                end--;
            }
            final int first = Math.max(start > 0 ? 1 : 0, end - lines);
            final List<String> tail = new ArrayList<>(end - first);
            for (int i = first; i < end; i++)
            {
                tail.add(all[i]);
            }

            return tail;
        }
        catch (final FileNotFoundException ex)
        {
            return List.of();
        }
        catch (final IOException ex)
        {
            return List.of("(cannot read " + file + ": " + ex + ")");
        }
    }

    private static String stripCarriageReturn(final String line)
    {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static boolean hasWhitespace(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.isWhitespace(s.charAt(i)))
            {
                return true;
            }
        }

        return false;
    }

    private static void deleteQuietly(final Path dir)
    {
        try
        {
            if (!Files.exists(dir))
            {
                return;
            }

            Files.walkFileTree(dir, new SimpleFileVisitor<>()
            {
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                public FileVisitResult visitFileFailed(final Path file, final IOException ex)
                {
                    return FileVisitResult.CONTINUE;
                }

                public FileVisitResult postVisitDirectory(final Path d, final IOException ex) throws IOException
                {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ignore)
        {
            // Left in place: a file the child still held open or one made read-only; nothing else can be done here.
        }
    }
}
