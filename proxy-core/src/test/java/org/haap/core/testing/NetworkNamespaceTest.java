package org.haap.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.haap.core.sys.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NetworkNamespace} and the {@link Netns} fixture on the real kernel. */
class NetworkNamespaceTest {

    private Netns a;
    private Netns b;

    @BeforeEach
    void createNamespaces() {
        Prerequisites.requireNetns();
        a = Netns.create("nsa");
        b = Netns.create("nsb");
    }

    @AfterEach
    void deleteNamespaces() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void createAllMakesOneNamespacePerRoleAndUndoesThemWhenOneFails() {
        List<Netns> all = Netns.createAll("nsall", "x", "y");
        try {
            assertEquals(2, all.size());
            assertTrue(all.get(0).name().startsWith("haapt-nsallx-"), all.get(0).name());
            assertTrue(all.get(1).name().startsWith("haapt-nsally-"), all.get(1).name());
        } finally {
            all.forEach(Netns::close);
        }
        // "z" is created, then "-" is not a valid prefix: "z" must be gone again.
        assertThrows(IllegalArgumentException.class, () -> Netns.createAll("nsall", "z", "-"));
        assertFalse(a.exec("ip", "netns", "list").contains("haapt-nsallz-"), "namespace left behind");
    }

    @Test
    void socketBoundInOneNamespaceIsInvisibleFromAnother() throws Exception {
        try (ServerSocketChannel server = a.call(() -> ServerSocketChannel.open()
                .bind(new InetSocketAddress("127.0.0.1", 0)))) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();

            assertThrows(ConnectException.class, () -> b.call(() -> SocketChannel.open(address)));
            try (SocketChannel sameNs = a.call(() -> SocketChannel.open(address))) {
                assertTrue(sameNs.isConnected());
            }
        }
    }

    @Test
    void callSwitchesTheThreadAndRestoresIt() throws Exception {
        String original = currentNetns();

        String inside = a.call(NetworkNamespaceTest::currentNetns);

        assertEquals(netnsOf(a), inside);
        assertNotEquals(original, inside);
        assertEquals(original, currentNetns());
    }

    @Test
    void callRestoresTheThreadWhenTheTaskThrows() throws Exception {
        String original = currentNetns();
        IOException failure = new IOException("task failed");

        IOException thrown = assertThrows(IOException.class, () -> a.call(() -> {
            throw failure;
        }));

        assertSame(failure, thrown);
        assertEquals(original, currentNetns());
    }

    @Test
    void unknownNamespaceFailsBeforeRunningTheTask() throws Exception {
        String original = currentNetns();
        AtomicBoolean ran = new AtomicBoolean();

        IOException e = assertThrows(IOException.class,
                () -> NetworkNamespace.call("haapt-absent-00000", () -> ran.getAndSet(true)));

        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        assertFalse(ran.get());
        assertEquals(original, currentNetns());
    }

    @Test
    void threadFactoryThreadsStartInsideTheNamespace() throws Exception {
        ThreadFactory factory = NetworkNamespace.threadFactory(b.name(), Executors.defaultThreadFactory());
        CompletableFuture<String> seen = new CompletableFuture<>();

        Thread t = factory.newThread(() -> {
            try {
                seen.complete(currentNetns());
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
        });
        t.start();

        assertEquals(netnsOf(b), seen.get(10, TimeUnit.SECONDS));
        t.join(10_000);
    }

    @Test
    void netnsFixtureRunsCommandsAndSetsSysctls() throws Exception {
        a.sysctl("net.ipv4.ip_forward", "1");

        assertEquals("net.ipv4.ip_forward = 1", a.exec("sysctl", "net.ipv4.ip_forward").strip());
        assertTrue(a.ip("link", "show", "lo").contains("UP"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.ip("link", "show", "nosuch0"));
        assertTrue(e.getMessage().contains("nosuch0"), e.getMessage());
    }

    @Test
    void closeStopsBackgroundProcessesAndDeletesTheNamespace() throws Exception {
        Netns c = Netns.create("nsc");
        Path log = Files.createTempFile("haapt-", ".log");
        try {
            Process p = c.start(java.util.List.of("sleep", "600"), log);
            assertTrue(p.isAlive());

            c.close();

            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertFalse(Files.exists(Path.of("/var/run/netns", c.name())));
        } finally {
            c.close();
            Files.deleteIfExists(log);
        }
    }

    private static String currentNetns() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    private static String netnsOf(Netns ns) throws IOException {
        return "net:[" + Files.getAttribute(Path.of("/var/run/netns", ns.name()), "unix:ino") + "]";
    }
}
