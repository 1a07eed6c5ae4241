/*
 * Copyright 2026 The TierPool authors. Licensed under the Apache License, Version 2.0.
 */
package io.tierpool.bench;

import io.tierpool.bench.scale.ScaleSimulator;
import io.tierpool.bench.scale.TrafficModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tierpool bench scale}: see {@link ScaleSimulator} and {@link TrafficModel}.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Simulates far-memory placement, rebalancing and repair at 1,000 node daemons and 10 million " +
        "blocks with TierPool's own placement and publication code (nothing is sent), then the capacity and " +
        "membership messages each node and client receives at 10, 100 and 1,000 nodes, old scheme against new. " +
        "Defaults take 2-4 minutes on 2 cores.")
public final class ScaleCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--nodes", description = "Simulated node daemons (default: ${DEFAULT-VALUE}).")
    int nodes = ScaleSimulator.Settings.defaults().nodes();

    @Option(names = "--blocks", description = "Blocks written (default: ${DEFAULT-VALUE}).")
    long blocks = ScaleSimulator.Settings.defaults().blocks();

    @Option(names = "--replicas", description = "Copies per block (default: ${DEFAULT-VALUE}).")
    int replicas = ScaleSimulator.Settings.defaults().replicas();

    @Option(names = "--block", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Block size (default: 4m).")
    long blockBytes = ScaleSimulator.Settings.defaults().blockBytes();

    @Option(names = "--capacities", split = ",", paramLabel = "SIZE[,SIZE...]", converter = SizeConverter.class,
        description = "Node capacities, given to the nodes in turn (default: 64g,128g,256g).")
    List<Long> capacities = new ArrayList<>(ScaleSimulator.Settings.defaults().capacities());

    @Option(names = "--write-rate", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Bytes the clients write per second, cluster-wide (default: 16g).")
    long writeRate = ScaleSimulator.Settings.defaults().writeBytesPerSecond();

    @Option(names = "--bandwidth", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "Bytes per second each node sends and receives when repairing (default: 1250000000, 10 Gbit/s).")
    long bandwidth = ScaleSimulator.Settings.defaults().nodeBandwidthBytesPerSecond();

    @Option(names = "--every-second", description = "Nodes publish free capacity every second (the old scheme) " +
        "instead of on change.")
    boolean everySecond;

    @Option(names = "--cost-samples", description = "Blocks ranked to time one placement (default: ${DEFAULT-VALUE}).")
    int costSamples = ScaleSimulator.Settings.defaults().costSamples();

    @Option(names = "--threads", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    int threads = ScaleSimulator.Settings.defaults().threads();

    @Option(names = "--seed", description = "Seed of the node ids (default: ${DEFAULT-VALUE}).")
    long seed = ScaleSimulator.Settings.defaults().seed();

    @Option(names = "--clients", description = "Thin clients in the traffic model (default: ${DEFAULT-VALUE}).")
    int clients = 1_000;

    @Option(names = "--skip-placement", description = "Only the traffic model.")
    boolean skipPlacement;

    /**
     * @return 0.
     */
    public Integer call()
    {
        final ScaleSimulator.Result placement = skipPlacement ? null : ScaleSimulator.run(
            new ScaleSimulator.Settings(nodes, blocks, replicas, blockBytes, capacities, writeRate, bandwidth,
                !everySecond, costSamples, threads, seed),
            System.err);
        final TrafficModel.Result traffic = TrafficModel.run(
            new TrafficModel.Settings(List.of(10, 100, 1_000), clients, capacities, blockBytes, writeRate, seed));
        common.print(System.out, (placement == null ? "" : placement.toTable()) + traffic.toTable(),
            new Report(placement, traffic));
        return 0;
    }

    /**
     * Both parts, for JSON.
     *
     * @param placement the placement simulation, or null if skipped.
     * @param traffic   the traffic model.
     */
    public record Report(ScaleSimulator.Result placement, TrafficModel.Result traffic)
    {
    }
}
