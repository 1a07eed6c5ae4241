package example;

import io.tierpool.client.Block;
import io.tierpool.client.Hint;
import io.tierpool.client.PoolStats;
import io.tierpool.client.TierKind;
import io.tierpool.client.TierPool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

public class Main
{
    public static void main(String[] args)
    {
        String nodes = System.getenv().getOrDefault("TIERPOOL_NODES", "127.0.0.1:40501,127.0.0.1:40502");
        try (TierPool pool = TierPool.open(new TierPool.Context()
            .ramCapacityBytes(16 << 20)                    // 16 MiB of RAM in this process
            .vvramCapacityBytes(0).vssdCapacityBytes(0)    // no local files: below RAM is far memory
            .nodes(nodes.split(","))                       // the node daemons' Aeron endpoints
            .awaitNodes(2)))
        {
            byte[] written = "Hello, far memory!".getBytes(StandardCharsets.UTF_8);
            try (Block block = pool.allocate(1 << 20, Hint.WARM))
            {
                block.write(0, written);
                block.moveTo(TierKind.REMOTE);             // out to the node daemons
                System.out.println("block " + block.id() + " is on " + pool.remoteHolders(block));
                byte[] read = new byte[written.length];
                block.read(0, read);                       // and back
                System.out.println("read back: " + new String(read, StandardCharsets.UTF_8)
                    + " (equal: " + Arrays.equals(written, read) + ")");
            }
            PoolStats stats = pool.stats();
            System.out.println("remote puts " + stats.remotePuts() + ", remote gets " + stats.remoteGets()
                + ", blocks left " + stats.blocks());
        }
    }
}
