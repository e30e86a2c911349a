package org.haap.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.haap.core.mptcp.ClientSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/** The traffic tool over loopback in the test's own namespace (no root needed). */
class TrafficToolTest {

    private MultiThreadIoEventLoopGroup group;
    private TrafficCounters counters;
    private TrafficServer server;
    private TrafficClient client;
    private InetSocketAddress target;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        counters = new TrafficCounters();
        server = TrafficServer.start(null, List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                group, counters);
        target = server.addresses().get(0);
        client = new TrafficClient(group, null, ClientSocketOptions.tcp(), counters);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void uploadAndDownloadOfAByteLimitArriveIntact() throws Exception {
        long size = 3 * 1024 * 1024 + 17;
        StreamResult up = client.upload(target, Duration.ZERO, size, 5).get(30, TimeUnit.SECONDS);
        StreamResult down = client.download(target, Duration.ZERO, size, 9).get(30, TimeUnit.SECONDS);
        assertTrue(up.ok(), up::toString);
        assertTrue(down.ok(), down::toString);
        assertEquals(size, up.bytes());
        assertEquals(size, down.bytes());
        assertEquals(size, counters.uploadReceived().sum());
        assertEquals(size, counters.downloadReceived().sum());
    }

    @Test
    void manyConcurrentConnectionsAllComplete() throws Exception {
        List<CompletableFuture<StreamResult>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(i % 2 == 0 ? client.upload(target, Duration.ZERO, 100_000, i) : client.download(target, Duration.ZERO, 100_000, i));
        }
        for (CompletableFuture<StreamResult> f : all) {
            StreamResult r = f.get(30, TimeUnit.SECONDS);
            assertTrue(r.ok(), r::toString);
            assertEquals(100_000, r.bytes());
        }
    }

    @Test
    void timedTransferInBothDirections() throws Exception {
        List<long[]> samples = new ArrayList<>();
        BulkTransfer.Result r = BulkTransfer.run(client, counters, target, 2, 2, 2,
                (s, up, down) -> samples.add(new long[] {up, down}));
        assertTrue(r.intact(), r.errors()::toString);
        assertEquals(2, samples.size());
        assertTrue(r.uploadBytes() > 0 && r.downloadBytes() > 0, r::toString);
        assertTrue(r.uploadMbps() >= 0 && r.downloadMbps() >= 0, r::toString);
    }

    @Test
    void pingMeasuresTheFirstByte() throws Exception {
        for (int i = 0; i < 300; i++) {
            StreamResult r = client.ping(target).get(10, TimeUnit.SECONDS);
            assertTrue(r.ok(), r::toString);
            assertTrue(r.firstByteNanos() > 0);
        }
    }

    @Test
    void aRefusedConnectFailsTheResult() throws Exception {
        InetSocketAddress closed = target;
        server.close();
        StreamResult r = client.ping(closed).get(10, TimeUnit.SECONDS);
        assertTrue(!r.ok() && r.error().contains("connect"), r::toString);
        server = TrafficServer.start(null, List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                group, counters);
    }
}
