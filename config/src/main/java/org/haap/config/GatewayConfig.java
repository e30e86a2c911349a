package org.haap.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The client gateway's configuration: everything under {@value #PATH}, documented key by
 * key in {@code reference.conf}. Build it with {@link HaapConfigLoader#gateway}.
 * {@link #toString()} never shows the cookie.
 *
 * @param listen the TPROXY listeners (IP_TRANSPARENT) that intercepted LAN connections
 *     arrive on; literal addresses with ports 1..65535, at least one
 * @param aggregationPoint the aggregation point's address and port
 * @param wans the WAN links in order of preference (the first is the primary), 1..{@value WanConfig#MAX_WANS}
 * @param cookie the RFC 8803 Cookie TLV value sent with every Convert message,
 *     1..{@value CookiePolicy#MAX_COOKIE_BYTES} UTF-8 bytes; empty = no cookie
 * @param onApUnreachable what happens to a LAN connection when the AP is unreachable on every WAN
 * @param robe how MPTCP connections to the AP are established
 * @param pathManager which subflows are opened on which WANs
 * @param timeouts per-phase timeouts
 * @param relay relay settings
 * @param metrics the metrics endpoint
 * @param sysctl the kernel MPTCP settings the gateway applies or checks
 * @param eventLoops event-loop threads; 0 = one per CPU
 * @param bypassDestinations destinations that are connected to directly, not through the AP
 * @param linkMonitor per-WAN link state from carrier and probes to the AP
 * @param congestionControl the TCP congestion control of the MPTCP connections to the AP (and
 *     their subflows) and of bypass connections
 */
public record GatewayConfig(
        List<InetSocketAddress> listen,
        InetSocketAddress aggregationPoint,
        List<WanConfig> wans,
        Optional<String> cookie,
        ApUnreachable onApUnreachable,
        RobeSettings robe,
        PathManagerSettings pathManager,
        GatewayTimeouts timeouts,
        RelaySettings relay,
        MetricsSettings metrics,
        SysctlSettings sysctl,
        int eventLoops,
        CidrSet bypassDestinations,
        LinkMonitorSettings linkMonitor,
        CongestionControl congestionControl) {

    /** The HOCON path of the gateway's section. */
    public static final String PATH = "haap.gateway";

    public GatewayConfig {
        listen = List.copyOf(listen);
        Objects.requireNonNull(aggregationPoint, "aggregationPoint");
        wans = List.copyOf(wans);
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(onApUnreachable, "onApUnreachable");
        Objects.requireNonNull(robe, "robe");
        Objects.requireNonNull(pathManager, "pathManager");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(sysctl, "sysctl");
        Objects.requireNonNull(congestionControl, "congestionControl");
        Objects.requireNonNull(bypassDestinations, "bypassDestinations");
        Objects.requireNonNull(linkMonitor, "linkMonitor");
    }

    /** {@link #eventLoops()}, with 0 replaced by the number of available CPUs. */
    public int effectiveEventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    /** The preferred WAN: the first of {@link #wans()}. */
    public WanConfig primaryWan() {
        return wans.get(0);
    }

    @Override
    public String toString() {
        return "GatewayConfig[listen=" + listen + ", aggregationPoint=" + aggregationPoint + ", wans=" + wans
                + ", cookie=" + (cookie.isPresent() ? "<set>" : "<none>") + ", onApUnreachable=" + onApUnreachable
                + ", robe=" + robe + ", pathManager=" + pathManager + ", timeouts=" + timeouts + ", relay=" + relay
                + ", metrics=" + metrics + ", sysctl=" + sysctl + ", eventLoops=" + eventLoops
                + ", bypassDestinations=" + bypassDestinations + ", linkMonitor=" + linkMonitor
                + ", congestionControl=" + congestionControl + ']';
    }

    static GatewayConfig read(Section s) {
        s.requireObject();
        Problems p = new Problems();
        p.add(s.unknownKeys());
        List<InetSocketAddress> listen = p.read(() -> listen(s));
        InetSocketAddress ap = p.read(() -> s.parseString("aggregation-point", "host:port of the aggregation point",
                GatewayConfig::aggregationPointAddress));
        List<WanConfig> wans = p.read(() -> WanConfig.readAll(s, ap == null ? null : ap.getAddress()));
        Optional<String> cookie = p.read(() -> s.isSet("cookie")
                ? Optional.of(s.secret("cookie", CookiePolicy::checkCookie))
                : Optional.empty());
        ApUnreachable onApUnreachable = p.read(() -> s.enumValue("on-ap-unreachable", ApUnreachable.class));
        RobeSettings robe = p.read(() -> RobeSettings.read(s.child("robe")));
        PathManagerSettings pathManager = p.read(() -> PathManagerSettings.read(s.child("path-manager")));
        GatewayTimeouts timeouts = p.read(() -> GatewayTimeouts.read(s.child("timeouts")));
        RelaySettings relay = p.read(() -> RelaySettings.read(s.child("relay")));
        MetricsSettings metrics = p.read(() -> MetricsSettings.read(s.child("metrics")));
        SysctlSettings sysctl = p.read(() -> SysctlSettings.read(s.child("sysctl")));
        Integer eventLoops = p.read(() -> s.intAtLeast("event-loops", 0));
        CidrSet bypass = p.read(() -> CidrSet.read(s.child("bypass"), "destinations"));
        LinkMonitorSettings linkMonitor = p.read(() -> LinkMonitorSettings.read(s.child("link-monitor")));
        CongestionControl congestion = p.read(() -> CongestionControl.read(s, "congestion-control"));
        if (robe != null && timeouts != null) {
            p.check(() -> checkSynTimeout(s, robe, timeouts));
        }
        if (robe != null && cookie != null && robe.pool().enabled() && cookie.isEmpty()) {
            // The pool hello is signed with the cookie: without one there would be no pool at all.
            p.add(List.of(s.child("robe").child("pool").invalid("enabled",
                    "false unless haap.gateway.cookie is set (the pool hello is signed with it)")));
        }
        if (sysctl != null && wans != null && sysctl.subflowsLimit() < wans.size() - 1) {
            p.add(List.of(s.child("sysctl").invalid("subflows-limit",
                    ">= " + (wans.size() - 1) + ": one subflow per WAN after the first")));
        }
        p.throwIfAny();
        return new GatewayConfig(listen, ap, wans, cookie, onApUnreachable, robe, pathManager, timeouts, relay,
                metrics, sysctl, eventLoops, bypass, linkMonitor, congestion);
    }

    private static List<InetSocketAddress> listen(Section s) {
        List<InetSocketAddress> listen = s.parseEach("listen", text -> {
            InetSocketAddress address = InetLiterals.parseSocketAddress(text);
            if (address.getPort() == 0) {
                throw new BadValue(text, "a port in 1..65535");
            }
            return address;
        });
        if (listen.isEmpty()) {
            throw s.invalid("listen", "at least one address");
        }
        return listen;
    }

    private static InetSocketAddress aggregationPointAddress(String text) {
        InetSocketAddress address = InetLiterals.parseSocketAddress(text);
        InetAddress ip = address.getAddress();
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            throw new BadValue(text, "a unicast address, not a wildcard or multicast address");
        }
        if (address.getPort() == 0) {
            throw new BadValue(text, "a port in 1..65535");
        }
        return address;
    }

    private static void checkSynTimeout(Section s, RobeSettings robe, GatewayTimeouts timeouts) {
        Optional<Duration> synTimeout = robe.timerSynTimeout();
        if (synTimeout.isPresent() && synTimeout.get().compareTo(timeouts.connect()) >= 0) {
            throw s.child("robe").child("timer").invalid("syn-timeout",
                    "auto or < timeouts.connect (" + format(timeouts.connect()) + ')');
        }
    }

    private static String format(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
