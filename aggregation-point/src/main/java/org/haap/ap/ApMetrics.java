package org.haap.ap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.haap.ap.internal.AdmissionBudget;
import org.haap.ap.internal.PoolAdmission;
import org.haap.ap.internal.UpstreamFailures;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.metrics.ConfigReloads;
import org.haap.core.metrics.RelayMeters;
import org.haap.core.net.AcceptBackoff;
import org.haap.core.session.Termination;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The aggregation point's meters. Every meter is registered once, at start-up, with a
 * small fixed set of label values; the per-connection path only increments pre-bound
 * meters. Names follow Prometheus conventions once exported ({@code haap_ap_..._total},
 * {@code _seconds}).
 */
public final class ApMetrics {

    /** Why a connection was refused before any upstream connect. */
    public enum Rejection {
        AUTH, DESTINATION, LIMITS, HEADER_TIMEOUT, MALFORMED, MISSING_COOKIE,
        /** Over {@code limits.max-unauthenticated-per-client} at accept. */
        UNAUTHENTICATED_LIMIT,
        /** Reset for a newer connection while {@code limits.max-unauthenticated} was full. */
        UNAUTHENTICATED_EVICTED,
        /** Reset at accept: the AP was out of file descriptors ({@link org.haap.core.net.AcceptBackoff}). */
        FD_LIMIT,
        /** A Connect TLV asked for TCP options the AP cannot use (Error 33). */
        TCP_OPTION,
        /**
         * A racing copy of a Connect the AP already acts on (its attempt TLV's connection id was
         * seen, Error 192): the normal fate of every losing RobE attempt with data in its SYN.
         */
        DUPLICATE_ATTEMPT
    }

    /** Why a pooled connection closed without carrying a session. */
    public enum PoolClose { IDLE_TIMEOUT, CLIENT, DRAIN }

    private final MeterRegistry registry;
    private final Map<PoolAdmission.Verdict, Counter> poolHellos = new EnumMap<>(PoolAdmission.Verdict.class);
    private final Map<PoolClose, Counter> poolClosed = new EnumMap<>(PoolClose.class);
    private final Counter poolUsed;
    private final Counter acceptedMptcp;
    private final Counter acceptedTcp;
    private final Counter acceptFdLimit;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter convertOk;
    private final Counter convertError;
    private final Map<ConvertErrorCode, Counter> errorsSent = new EnumMap<>(ConvertErrorCode.class);
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);
    private final Map<UpstreamFailures, Counter> upstreamFailures = new EnumMap<>(UpstreamFailures.class);
    private final Timer upstreamConnect;
    private final Counter upstreamAttempts;
    private final Counter abandoned;
    private final ConfigReloads reloads;
    private final RelayMeters relay;
    private final Map<Termination.Reason, Map<Termination.Phase, Counter>> ended =
            new EnumMap<>(Termination.Reason.class);

    /** The registry the meters are in (for meters registered by other parts, e.g. the probe responder). */
    MeterRegistry registry() {
        return registry;
    }

    public ApMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (PoolAdmission.Verdict v : PoolAdmission.Verdict.values()) {
            poolHellos.put(v, Counter.builder("haap.ap.pool.hellos")
                    .description("Warm-pool hellos from gateways, by decision")
                    .tag("result", lower(v)).register(registry));
        }
        for (PoolClose c : PoolClose.values()) {
            poolClosed.put(c, Counter.builder("haap.ap.pool.closed")
                    .description("Pooled connections closed idle, never carrying a session, by reason")
                    .tag("reason", lower(c)).register(registry));
        }
        poolUsed = Counter.builder("haap.ap.pool.used")
                .description("Pooled connections that carried a session (a Convert Connect arrived)")
                .register(registry);
        acceptedMptcp = accepted(registry, "mptcp");
        acceptedTcp = accepted(registry, "tcp");
        acceptFdLimit = Counter.builder("haap.ap.accept.errors")
                .description("Accepts that failed, by reason (fd_limit: out of file descriptors,"
                        + " EMFILE/ENFILE; pending connections are then reset or accepting pauses 10 ms .. 1 s)")
                .tag("reason", "fd_limit").register(registry);
        Gauge.builder("haap.ap.sessions.active", active, AtomicInteger::get)
                .description("Client connections currently open (any phase)")
                .register(registry);
        convertOk = Counter.builder("haap.ap.convert.messages")
                .description("Convert messages received from clients, by decoding result")
                .tag("result", "ok").register(registry);
        convertError = Counter.builder("haap.ap.convert.messages")
                .description("Convert messages received from clients, by decoding result")
                .tag("result", "error").register(registry);
        for (ConvertErrorCode code : ConvertErrorCode.values()) {
            errorsSent.put(code, Counter.builder("haap.ap.convert.errors.sent")
                    .description("Convert Error TLVs sent to clients, by RFC 8803 error code")
                    .tag("code", lower(code)).register(registry));
        }
        for (Rejection r : Rejection.values()) {
            rejected.put(r, Counter.builder("haap.ap.rejected")
                    .description("Client connections refused before any upstream connect, by reason")
                    .tag("reason", lower(r)).register(registry));
        }
        for (UpstreamFailures f : UpstreamFailures.values()) {
            upstreamFailures.put(f, Counter.builder("haap.ap.upstream.failures")
                    .description("Upstream TCP connects that failed, by reason")
                    .tag("reason", f.label()).register(registry));
        }
        abandoned = Counter.builder("haap.ap.sessions.abandoned")
                .description("Connections closed or reset by the client before sending any byte "
                        + "(e.g. a gateway's losing RobE attempt); not errors, not in sessions_ended")
                .register(registry);
        reloads = new ConfigReloads(registry, "haap.ap.config.reloads");
        upstreamAttempts = Counter.builder("haap.ap.upstream.connect.attempts")
                .description("Upstream TCP connects started (each ends in haap.ap.upstream.connect or a failure)")
                .register(registry);
        upstreamConnect = Timer.builder("haap.ap.upstream.connect")
                .description("Time to establish the upstream TCP connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        relay = new RelayMeters(registry, RelayMeters.Role.AP);
        for (Termination.Reason reason : Termination.Reason.values()) {
            Map<Termination.Phase, Counter> byPhase = new EnumMap<>(Termination.Phase.class);
            for (Termination.Phase phase : Termination.Phase.values()) {
                byPhase.put(phase, Counter.builder("haap.ap.sessions.ended")
                        .description("Sessions ended, by termination reason and the phase they were in")
                        .tag("reason", lower(reason)).tag("phase", lower(phase)).register(registry));
            }
            ended.put(reason, byPhase);
        }
    }

    private static Counter accepted(MeterRegistry registry, String protocol) {
        return Counter.builder("haap.ap.connections.accepted")
                .description("Client connections accepted, by transport (mptcp, or tcp for plain or fallback)")
                .tag("protocol", protocol).register(registry);
    }

    /** Configuration re-reads on SIGHUP ({@code haap_ap_config_reloads_total}). */
    ConfigReloads configReloads() {
        return reloads;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Registers the gauges over the AP's budgets; once, at start-up. */
    void budgetGauges(PoolAdmission pool, AdmissionBudget admission) {
        Gauge.builder("haap.ap.pool.connections", pool, PoolAdmission::pooled)
                .description("Idle warm-pool connections held for gateways")
                .register(registry);
        Gauge.builder("haap.ap.unauthenticated.connections", admission, AdmissionBudget::size)
                .description("Connections that have not yet presented a valid Convert header or pool hello")
                .register(registry);
    }

    /** Client connections refused before any upstream connect so far, for {@code reason}. */
    long rejectedSoFar(Rejection reason) {
        return (long) rejected.get(reason).count();
    }

    void poolHello(PoolAdmission.Verdict verdict) {
        poolHellos.get(verdict).increment();
    }

    void poolUsed() {
        poolUsed.increment();
    }

    /** A pooled connection closed without a session: counted apart from {@link #sessionEnded}. */
    void poolClosed(PoolClose reason) {
        active.decrementAndGet();
        poolClosed.get(reason).increment();
    }

    void accepted(boolean mptcp) {
        (mptcp ? acceptedMptcp : acceptedTcp).increment();
        active.incrementAndGet();
    }

    void sessionEnded(Termination termination) {
        active.decrementAndGet();
        ended.get(termination.reason()).get(termination.phase()).increment();
    }

    /** A session the client gave up before sending anything: counted apart from {@link #sessionEnded}. */
    void sessionAbandoned() {
        active.decrementAndGet();
        abandoned.increment();
    }

    void convertDecoded(boolean ok) {
        (ok ? convertOk : convertError).increment();
    }

    void errorSent(ConvertErrorCode code) {
        errorsSent.get(code).increment();
    }

    void rejected(Rejection reason) {
        rejected.get(reason).increment();
    }

    void upstreamConnecting() {
        upstreamAttempts.increment();
    }

    /**
     * What the listeners report when out of file descriptors: {@code haap_ap_accept_errors_total}
     * per failed accept, {@code haap_ap_rejected_total{reason="fd_limit"}} per connection reset.
     */
    AcceptBackoff.Listener acceptListener() {
        return AcceptBackoff.Listener.of(acceptFdLimit::increment, () -> rejected(Rejection.FD_LIMIT));
    }

    void upstreamFailed(UpstreamFailures failure) {
        upstreamFailures.get(failure).increment();
    }

    void upstreamConnected(long nanos) {
        upstreamConnect.record(Duration.ofNanos(nanos));
    }

    /** Sessions currently open. */
    public int activeSessions() {
        return active.get();
    }

    /**
     * The relay's meters ({@code haap_ap_relay_*}), every session's {@link org.haap.core.relay.RelayListener};
     * also for the bytes the upstream stage forwards before the relay starts.
     */
    public RelayMeters relay() {
        return relay;
    }
}
