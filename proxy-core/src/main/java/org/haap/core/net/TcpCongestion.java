package org.haap.core.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;

/**
 * The TCP congestion control an application sets on its sockets ({@code TCP_CONGESTION}).
 * {@link #choose} decides it once at start, in the application's network namespace, by
 * setting the candidate on a plain TCP socket: that is what the kernel itself checks (it
 * loads a {@code tcp_NAME} module if it may, and refuses an algorithm it has not got, or one
 * a process without {@code CAP_NET_ADMIN} may not use). A plain TCP socket, because an MPTCP
 * socket with no subflow yet accepts any name and keeps its old algorithm (measured on Linux
 * 6.18); a set MPTCP socket hands the algorithm to every subflow, the ones it creates later
 * included, and an MPTCP listener to every connection and subflow it accepts.
 */
public final class TcpCongestion {

    /** The longest algorithm name: {@code TCP_CA_NAME_MAX} (16) with its NUL. */
    private static final int MAX_NAME = 15;
    private static final Path DEFAULT = Path.of("/proc/sys/net/ipv4/tcp_congestion_control");
    private static final System.Logger LOG = System.getLogger(TcpCongestion.class.getName());
    private static final AtomicBoolean RESTART_REFUSED = new AtomicBoolean();

    /**
     * The algorithm {@link #restart} switches through: built into every kernel and allowed
     * to every process ({@code net.ipv4.tcp_allowed_congestion_control} always has it).
     */
    public static final String RESTART_VIA = "reno";

    /**
     * The algorithm chosen and, when it is not what was asked for, why.
     *
     * @param algorithm the algorithm to set on the sockets
     * @param warning   why {@code auto} fell back to the host's default; empty otherwise
     */
    public record Choice(String algorithm, Optional<String> warning) {
    }

    private TcpCongestion() {
    }

    /**
     * The option that sets one algorithm on a Netty bootstrap's channels, made once per
     * algorithm rather than per connection.
     */
    private record BootstrapOption(String algorithm, RawUnixChannelOption option, byte[] value) {
    }

    private static volatile BootstrapOption lastOption;

    /**
     * Throws unless {@code name} is {@code null} or a plausible algorithm name (1-15 of a-z,
     * 0-9, _). Runs in every socket options record, so a loop, not a regular expression.
     */
    public static void requireName(String name) {
        if (name == null) {
            return;
        }
        boolean ok = !name.isEmpty() && name.length() <= MAX_NAME;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_';
        }
        if (!ok) {
            throw new IllegalArgumentException("congestion control: " + name + " (expected: 1-15 of a-z, 0-9, _)");
        }
    }

    /**
     * Decides the algorithm for {@code configured} (empty: {@code auto}, i.e. {@code preferred}
     * if the kernel takes it, else the host's default) in the calling thread's namespace.
     *
     * @param key       the configuration key, for messages
     * @param preferred what {@code auto} sets where the kernel takes it
     * @throws IOException if an explicitly configured algorithm is refused, with the kernel's reason
     */
    public static Choice choose(String key, Optional<String> configured, String preferred) throws IOException {
        if (configured.isPresent()) {
            String name = configured.get();
            requireName(name);
            Optional<String> refusal = tryOnSocket(name);
            if (refusal.isPresent()) {
                throw new IOException(key + " = " + name + ": the kernel refuses it (" + refusal.get()
                        + "); the host's default is " + hostDefault() + ", see net.ipv4.tcp_available_congestion_control");
            }
            return new Choice(name, Optional.empty());
        }
        Optional<String> refusal = tryOnSocket(preferred);
        if (refusal.isEmpty()) {
            return new Choice(preferred, Optional.empty());
        }
        String fallback = hostDefault();
        return new Choice(fallback, Optional.of(key + " = auto: the kernel refuses " + preferred + " ("
                + refusal.get() + "); using the host's default " + fallback
                + ", with which loss on a WAN costs more throughput"));
    }

    /** Sets {@code TCP_CONGESTION} on {@code fd}. */
    public static void set(int fd, String algorithm) throws ErrnoException {
        Posix.set(fd, Linux.SOL_TCP, Linux.TCP_CONGESTION, algorithm.getBytes(StandardCharsets.US_ASCII),
                "TCP_CONGESTION " + algorithm);
    }

    /**
     * Makes the channels of {@code bootstrap} (Netty's epoll transport) set {@code algorithm}
     * before they connect; {@code null} leaves the host's default.
     */
    public static Bootstrap applyTo(Bootstrap bootstrap, String algorithm) {
        if (algorithm == null) {
            return bootstrap;
        }
        BootstrapOption o = lastOption;
        if (o == null || !o.algorithm().equals(algorithm)) {
            requireName(algorithm);
            byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
            o = new BootstrapOption(algorithm,
                    new RawUnixChannelOption("TCP_CONGESTION", Linux.SOL_TCP, Linux.TCP_CONGESTION, name.length), name);
            lastOption = o;
        }
        // a buffer of its own per bootstrap: the bytes are shared, their position is not
        return bootstrap.option(o.option(), ByteBuffer.wrap(o.value()));
    }

    /**
     * Initialises the congestion control of {@code fd}'s connection anew, as on a connection
     * just established, keeping its algorithm and its congestion window: a warm-pool
     * connection taken for a session after idling must start like a fresh one.
     *
     * <p>Why: BBR (Linux's v1) keeps the lowest RTT of the last 10 s, and on the first ACK
     * after a longer silence its filter has expired and it enters PROBE_RTT, a window of 4
     * segments for at least 200 ms and a round trip. Measured on the testbed (DSL 10 Mbit/s,
     * 20 ms RTT): a 40 kB response on a pooled connection idle for more than 10 s took 100 ms
     * after its first byte, 5 round trips of 2 segments each; a fresh connection took 30 ms.
     * Setting another algorithm and then this one again makes the kernel initialise it
     * ({@code tcp_reinit_congestion_control}): BBR starts in STARTUP with its RTT filter
     * stamped now. On an MPTCP socket the kernel does it on every subflow.
     *
     * @return {@code false} when there is nothing to restart: the algorithm is {@code reno},
     *         which keeps no state besides the window
     * @throws ErrnoException if the kernel refused a change; the connection then keeps the
     *         algorithm it was left with ({@code reno} if only the second change failed)
     */
    public static boolean restart(int fd) throws ErrnoException {
        String algorithm = get(fd);
        if (algorithm.equals(RESTART_VIA)) {
            return false;
        }
        set(fd, RESTART_VIA);
        set(fd, algorithm);
        return true;
    }

    /**
     * {@link #restart(int)} on the socket of {@code channel} (Netty's epoll transport). A
     * refusal is logged, the first one at WARNING and later ones at DEBUG, and the connection
     * goes on as it is: a slower start is no reason to drop a session.
     *
     * @return whether it was restarted ({@code false} also for a channel without a socket,
     *         such as Netty's embedded channel in unit tests)
     */
    public static boolean restart(Channel channel) {
        if (!(channel instanceof UnixChannel unix) || !channel.isOpen()) {
            return false;
        }
        try {
            return restart(unix.fd().intValue());
        } catch (ErrnoException e) {
            boolean first = RESTART_REFUSED.compareAndSet(false, true);
            LOG.log(first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                    "could not restart the congestion control of a warm-pool connection (" + e.getMessage()
                            + "): its first window may be smaller" + (first ? " (further refusals are logged at DEBUG)" : ""));
            return false;
        }
    }

    /** The algorithm of {@code fd}. */
    public static String get(int fd) throws ErrnoException {
        byte[] v = Posix.get(fd, Linux.SOL_TCP, Linux.TCP_CONGESTION, new byte[16], "TCP_CONGESTION");
        int end = 0;
        while (end < v.length && v[end] != 0) {
            end++;
        }
        return new String(Arrays.copyOf(v, end), StandardCharsets.US_ASCII);
    }

    /** The host's default algorithm in this namespace, or "unknown". */
    static String hostDefault() {
        try {
            return Files.readString(DEFAULT).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Sets {@code name} on a plain TCP socket: empty if the kernel took it, else why not. */
    static Optional<String> tryOnSocket(String name) throws IOException {
        int fd = Posix.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_TCP);
        try {
            set(fd, name);
            String now = get(fd);
            return now.equals(name) ? Optional.empty() : Optional.of("the socket kept " + now);
        } catch (ErrnoException e) {
            return Optional.of(e.errnoName());
        } finally {
            Posix.closeQuietly(fd);
        }
    }
}
