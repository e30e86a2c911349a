package org.haap.core.sys.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Checked-exception facade over {@link LibC}: every failure becomes an {@link
 * ErrnoException} naming the call (and option) and keeping errno. Stateless; the bound
 * library is loaded once per class loader on first use.
 */
public final class Posix {

    private Posix() {
    }

    /** {@code socket(2)}; returns the new fd. */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        int fd = lib().socket(domain, type, protocol);
        if (fd < 0) {
            throw error("socket(" + familyName(domain) + ", " + protocolName(protocol) + ")");
        }
        return fd;
    }

    /** {@code setsockopt(2)} with an {@code int} value. */
    public static void setInt(int fd, int level, int option, int value, String optionName)
            throws ErrnoException {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        set(fd, level, option, v, optionName);
    }

    /** {@code setsockopt(2)} with a raw value. */
    public static void set(int fd, int level, int option, byte[] value, String optionName)
            throws ErrnoException {
        if (lib().setsockopt(fd, level, option, value, value.length) < 0) {
            throw error("setsockopt(" + optionName + ")");
        }
    }

    /** {@code setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name)}. */
    public static void bindToDevice(int fd, String device) throws ErrnoException {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        set(fd, Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, Arrays.copyOf(name, name.length + 1),
            "SO_BINDTODEVICE " + device);
    }

    /** {@code getsockopt(2)} of an {@code int} option. */
    public static int getInt(int fd, int level, int option, String optionName) throws ErrnoException {
        byte[] v = get(fd, level, option, new byte[4], optionName);
        return ByteBuffer.wrap(Arrays.copyOf(v, 4)).order(ByteOrder.nativeOrder()).getInt();
    }

    /**
     * {@code getsockopt(2)} with {@code buffer} passed in (so input fields can be pre-filled)
     * and its first {@code optlen} bytes returned, where optlen is what the kernel reports.
     */
    public static byte[] get(int fd, int level, int option, byte[] buffer, String optionName)
            throws ErrnoException {
        IntByReference len = new IntByReference(buffer.length);
        if (lib().getsockopt(fd, level, option, buffer, len) < 0) {
            throw error("getsockopt(" + optionName + ")");
        }
        return Arrays.copyOf(buffer, Math.min(buffer.length, len.intValue()));
    }

    /**
     * {@code getsockopt(2)} for options whose value holds pointers to user arrays (such as
     * {@code MPTCP_FULL_INFO}): lays out the value and one zeroed native array per entry of
     * {@code arraySizes} in one block, stores each array's address as a u64 at the matching
     * {@code pointerOffsets} entry of {@code value}, makes the call, and returns the value
     * followed by the arrays' contents. The block is the calling thread's, reused from call
     * to call: a connection sampled every second allocates no native memory (which jnr-ffi
     * would only free after a GC had finalized it).
     */
    public static byte[][] getWithArrays(int fd, int level, int option, byte[] value,
                                         int[] pointerOffsets, int[] arraySizes, String optionName)
            throws ErrnoException {
        long[] offsets = new long[arraySizes.length];
        long size = align8(value.length);
        for (int i = 0; i < arraySizes.length; i++) {
            offsets[i] = size;
            size += align8(Math.max(1, arraySizes[i]));
        }
        Pointer block = Scratch.block(Runtime.getRuntime(lib()), size);
        block.setMemory(0, size, (byte) 0);
        ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
        for (int i = 0; i < offsets.length; i++) {
            v.putLong(pointerOffsets[i], block.address() + offsets[i]);
        }
        block.put(0, value, 0, value.length);
        IntByReference len = new IntByReference(value.length);
        if (lib().getsockopt(fd, level, option, block, len) < 0) {
            throw error("getsockopt(" + optionName + ")");
        }
        byte[][] out = new byte[offsets.length + 1][];
        out[0] = new byte[Math.min(value.length, len.intValue())];
        block.get(0, out[0], 0, out[0].length);
        for (int i = 0; i < offsets.length; i++) {
            out[i + 1] = new byte[arraySizes[i]];
            block.get(offsets[i], out[i + 1], 0, arraySizes[i]);
        }
        return out;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Per thread, the native block {@link #getWithArrays} works in; it only grows. */
    private static final class Scratch {
        private static final ThreadLocal<Pointer> BLOCK = new ThreadLocal<>();
        private static final long MIN_BYTES = 4096;

        static Pointer block(Runtime runtime, long size) {
            Pointer p = BLOCK.get();
            if (p == null || p.size() < size) {
                p = Memory.allocateDirect(runtime, (int) Math.max(MIN_BYTES, size));
                BLOCK.set(p);
            }
            return p;
        }
    }

    /** {@code bind(2)}. */
    public static void bind(int fd, InetSocketAddress address) throws ErrnoException {
        byte[] sa = SockAddrs.encode(address);
        if (lib().bind(fd, sa, sa.length) < 0) {
            throw error("bind(" + address + ")");
        }
    }

    /** {@code listen(2)}. */
    public static void listen(int fd, int backlog) throws ErrnoException {
        if (lib().listen(fd, backlog) < 0) {
            throw error("listen");
        }
    }

    /**
     * {@code accept4(2)} on a non-blocking listener, without the peer's address; returns the
     * new fd (close-on-exec), or -1 when no connection is pending ({@code EAGAIN}).
     */
    public static int accept(int listenerFd) throws ErrnoException {
        int fd = lib().accept4(listenerFd, null, null, Linux.SOCK_CLOEXEC);
        if (fd < 0) {
            if (Runtime.getRuntime(lib()).getLastError() == Errno.EAGAIN) {
                return -1;
            }
            throw error("accept4");
        }
        return fd;
    }

    /**
     * Closes a connected socket with a reset rather than a FIN ({@code SO_LINGER} on with a
     * zero timeout), ignoring errors.
     */
    public static void resetAndClose(int fd) {
        byte[] linger = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(1).putInt(0).array();
        lib().setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_LINGER, linger, linger.length);
        lib().close(fd);
    }

    /** {@code dup3(2)}: atomically makes {@code newFd} refer to what {@code oldFd} refers to. */
    public static void dup3(int oldFd, int newFd, int flags) throws ErrnoException {
        if (lib().dup3(oldFd, newFd, flags) < 0) {
            throw error("dup3");
        }
    }

    /** {@code open(path, O_RDONLY | O_CLOEXEC)}. */
    public static int openReadOnly(String path) throws ErrnoException {
        int fd = lib().open(path, Linux.O_RDONLY | Linux.O_CLOEXEC);
        if (fd < 0) {
            throw error("open(" + path + ")");
        }
        return fd;
    }

    /** {@code setns(2)}: moves the calling thread into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nsType, String what) throws ErrnoException {
        if (lib().setns(fd, nsType) < 0) {
            throw error("setns(" + what + ")");
        }
    }

    /** {@code if_nametoindex(3)}. */
    public static int ifNameToIndex(String name) throws ErrnoException {
        int index = lib().if_nametoindex(name);
        if (index == 0) {
            throw error("if_nametoindex(" + name + ")");
        }
        return index;
    }

    /** {@code getrlimit(2)}: the soft and hard limit of {@code resource}, in that order. */
    public static long[] getrlimit(int resource, String what) throws ErrnoException {
        long[] limits = new long[2];
        if (lib().getrlimit(resource, limits) < 0) {
            throw error("getrlimit(" + what + ")");
        }
        return limits;
    }

    /** {@code setrlimit(2)} with {@code soft} and {@code hard}. */
    public static void setrlimit(int resource, long soft, long hard, String what) throws ErrnoException {
        if (lib().setrlimit(resource, new long[] {soft, hard}) < 0) {
            throw error("setrlimit(" + what + ")");
        }
    }

    /** {@code close(2)}. */
    public static void close(int fd) throws ErrnoException {
        if (lib().close(fd) < 0) {
            throw error("close");
        }
    }

    /** {@code close(2)}, ignoring errors; for cleanup paths that already report another error. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            lib().close(fd);
        }
    }

    private static ErrnoException error(String call) {
        int errno = Runtime.getRuntime(lib()).getLastError();
        String description = lib().strerror(errno);
        return new ErrnoException(call, errno, description == null ? "" : description);
    }

    private static String familyName(int domain) {
        switch (domain) {
            case Linux.AF_INET:
                return "AF_INET, SOCK_STREAM";
            case Linux.AF_INET6:
                return "AF_INET6, SOCK_STREAM";
            default:
                return "family " + domain;
        }
    }

    private static String protocolName(int protocol) {
        switch (protocol) {
            case Linux.IPPROTO_MPTCP:
                return "IPPROTO_MPTCP";
            case Linux.IPPROTO_TCP:
                return "IPPROTO_TCP";
            default:
                return String.valueOf(protocol);
        }
    }

    private static LibC lib() {
        return Holder.LIBC;
    }

    /** Loads libc on first use, so that merely loading HAAP classes needs no native code. */
    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class)
                .option(LibraryOption.SaveError, true)
                .load("c");
    }
}
