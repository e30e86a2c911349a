package org.haap.gateway.link;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.haap.core.rtnl.Link;
import org.haap.core.rtnl.LinkAddress;
import org.haap.core.rtnl.RtnlEvent;
import org.haap.core.rtnl.RtnlListener;
import org.haap.core.sys.NetlinkEventStats;
import org.haap.core.sys.NetlinkException;
import org.haap.core.sys.NetlinkMessageException;

/**
 * Feeds a {@link LinkMonitor} with the kernel's link and address notifications (rtnetlink,
 * proxy-core's {@link org.haap.core.rtnl.LinkMonitor}) instead of polling sysfs: a WAN
 * interface is up while it is administratively up and running (carrier), and a WAN whose
 * source address disappears is down. The current state is fed once at start.
 */
public final class RtnlFeed implements RtnlListener, AutoCloseable {

    private static final Logger LOG = System.getLogger(RtnlFeed.class.getName());

    private final LinkMonitor target;
    private final org.haap.core.rtnl.LinkMonitor source;
    private final Map<Integer, String> names = new ConcurrentHashMap<>();

    private RtnlFeed(LinkMonitor target, org.haap.core.rtnl.LinkMonitor source) {
        this.target = target;
        this.source = source;
    }

    /** Subscribes in the calling thread's namespace and starts feeding {@code target}. */
    public static RtnlFeed start(LinkMonitor target) throws NetlinkException {
        return start(target, new NetlinkEventStats());
    }

    /** As {@link #start(LinkMonitor)}, counting what the subscription drops or loses into {@code stats}. */
    public static RtnlFeed start(LinkMonitor target, NetlinkEventStats stats) throws NetlinkException {
        RtnlFeed feed = new RtnlFeed(target, org.haap.core.rtnl.LinkMonitor.open(stats));
        for (Link l : feed.source.initialLinks()) {
            feed.link(l);
        }
        feed.source.start(feed);
        return feed;
    }

    @Override
    public void onEvent(RtnlEvent event) {
        if (event instanceof RtnlEvent.NewLink n) {
            link(n.link());
        } else if (event instanceof RtnlEvent.DelLink d) {
            names.remove(d.link().index());
            target.linkEvent(d.link().name(), false);
        } else if (event instanceof RtnlEvent.NewAddress a) {
            address(a.address(), true);
        } else if (event instanceof RtnlEvent.DelAddress a) {
            address(a.address(), false);
        }
    }

    private void link(Link l) {
        names.put(l.index(), l.name());
        target.linkEvent(l.name(), l.up() && l.running());
    }

    private void address(LinkAddress a, boolean present) {
        String name = names.get(a.ifIndex());
        if (name != null) {
            target.addressEvent(name, a.address(), present);
        }
    }

    @Override
    public void onEventsLost() {
        LOG.log(Level.WARNING, "link monitor: rtnetlink notifications were lost; the probes still judge the WANs");
    }

    @Override
    public void onFailure(NetlinkException cause) {
        if (cause instanceof NetlinkMessageException) {
            LOG.log(Level.WARNING, "link monitor: an rtnetlink notification was dropped: " + cause.getMessage());
            return;
        }
        LOG.log(Level.ERROR, "link monitor: the rtnetlink subscription failed: " + cause.getMessage());
    }

    @Override
    public void close() {
        source.close();
    }
}
