package org.haap.deploy.packaging;

import io.netty.channel.epoll.Epoll;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

/**
 * Run by {@link Arm64PackageIT} with a package's runtime and jars: loads Netty's native epoll
 * transport and jffi (through jnr-ffi, a call to {@code getpid}), the two native libraries
 * HAAP needs, and prints what it found, one {@code key=value} a line. Exit 0 only when both
 * loaded and {@code getpid} through jffi agrees with the JVM's own pid.
 */
public final class NativeProbe {

    /** The one C function called, through jffi. */
    public interface LibC {
        int getpid();
    }

    private NativeProbe() {
    }

    public static void main(String[] args) {
        System.out.println("os.arch=" + System.getProperty("os.arch"));
        boolean epoll = Epoll.isAvailable();
        System.out.println("epoll=" + (epoll ? "available" : "unavailable: " + Epoll.unavailabilityCause()));
        System.out.println("jnr.cpu=" + Platform.getNativePlatform().getCPU());
        int pid = LibraryLoader.create(LibC.class).load("c").getpid();
        long jvmPid = ProcessHandle.current().pid();
        System.out.println("jffi.getpid=" + pid + " jvm.pid=" + jvmPid);
        System.exit(epoll && pid == jvmPid ? 0 : 1);
    }
}
