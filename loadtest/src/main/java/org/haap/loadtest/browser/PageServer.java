package org.haap.loadtest.browser;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.haap.core.sys.NetworkNamespace;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The web servers of {@code browser}: one HTTP/1.1 listener on port {@code port} of every
 * address of a network namespace (the wildcard address), serving a {@link BrowserPage} with
 * a {@link PageHandler} per connection on this JVM's event loops (2 threads, epoll,
 * {@code TCP_NODELAY}). It counts the connections it accepted, the objects it served and the
 * requests it could not answer, and keeps the timing reports by load id.
 */
final class PageServer implements AutoCloseable {

    private static final int MAX_REQUEST = 64 << 10;

    private final EventLoopGroup group;
    private final Channel listener;
    private final AtomicLong connections;
    private final AtomicLong served;
    private final AtomicLong notFound;
    private final Map<String, CompletableFuture<PageHandler.Report>> reports;

    private PageServer(EventLoopGroup group, Channel listener, AtomicLong connections, AtomicLong served,
                       AtomicLong notFound, Map<String, CompletableFuture<PageHandler.Report>> reports) {
        this.group = group;
        this.listener = listener;
        this.connections = connections;
        this.served = served;
        this.notFound = notFound;
        this.reports = reports;
    }

    /** Serves {@code page} on {@code port} of every address in namespace {@code namespace}. */
    static PageServer start(String namespace, int port, BrowserPage page) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        AtomicLong connections = new AtomicLong();
        AtomicLong served = new AtomicLong();
        AtomicLong notFound = new AtomicLong();
        Map<String, CompletableFuture<PageHandler.Report>> reports = new ConcurrentHashMap<>();
        try {
            EpollServerSocketChannel ch = NetworkNamespace.call(namespace, EpollServerSocketChannel::new);
            new ServerBootstrap().group(group)
                    .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> ch)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            connections.incrementAndGet();
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST),
                                    new PageHandler(page, r -> report(reports, r.load()).complete(r),
                                            served::incrementAndGet, notFound::incrementAndGet));
                        }
                    })
                    .bind(new InetSocketAddress(port)).sync();
            return new PageServer(group, ch, connections, served, notFound, reports);
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connections accepted so far. */
    long connections() {
        return connections.get();
    }

    /** Objects (the document included) served so far. */
    long served() {
        return served.get();
    }

    /** Requests answered 404 so far. */
    long notFound() {
        return notFound.get();
    }

    /**
     * The report of load {@code load}, waiting up to {@code timeout} for it.
     *
     * @return the report, or null if none came in time
     */
    PageHandler.Report await(String load, Duration timeout) throws InterruptedException {
        try {
            return report(reports, load).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        } finally {
            reports.remove(load);
        }
    }

    private static CompletableFuture<PageHandler.Report> report(
            Map<String, CompletableFuture<PageHandler.Report>> reports, String load) {
        return reports.computeIfAbsent(String.valueOf(load), k -> new CompletableFuture<>());
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
