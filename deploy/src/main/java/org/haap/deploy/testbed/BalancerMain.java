package org.haap.deploy.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.haap.deploy.testbed.internal.Commands;

/**
 * The scale-out testbed's load balancer: runs in the balancer namespace, health-checks
 * every node and keeps {@link BalancerRules} in step with the nodes that may take new
 * flows. A node is out when its metrics endpoint has not answered {@code GET /metrics}
 * with 200 twice in a row ({@value #TIMEOUT_MS} ms each, every {@value #INTERVAL_MS} ms;
 * back in after two answers), or at once when it is marked draining: a file
 * {@code NAME.draining} in the mark directory, what an orchestrator does when it takes a
 * terminating pod out of a Service's endpoints before the pod gets SIGTERM. Each change
 * reloads the table and prints {@code lb: endpoints [..] at EPOCH_MS (NAME: why, ...)};
 * the first load prints {@value #READY}.
 *
 * <p>{@code BalancerMain --vip IP --port P --marks DIR [--pick random|hash]
 * --endpoint NAME=IP,METRICS_PORT ...}
 */
public final class BalancerMain {

    /** Printed once the first rule set is loaded. */
    public static final String READY = "lb-ready";
    /** The prefix of every endpoint-change line. */
    public static final String CHANGE = "lb: endpoints ";
    static final long INTERVAL_MS = 100;
    static final int TIMEOUT_MS = 300;
    static final int THRESHOLD = 2;

    private BalancerMain() {
    }

    /** One node to check. */
    record Target(BalancerRules.Endpoint endpoint, int metricsPort) {
    }

    public static void main(String[] args) throws Exception {
        String vip = null;
        int port = 0;
        Path marks = null;
        BalancerRules.Pick pick = BalancerRules.Pick.RANDOM;
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--vip" -> vip = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--marks" -> marks = Path.of(args[i + 1]);
                case "--pick" -> pick = BalancerRules.Pick.valueOf(args[i + 1].toUpperCase(java.util.Locale.ROOT));
                case "--endpoint" -> {
                    String[] nv = args[i + 1].split("=", 2);
                    String[] ap = nv[1].split(",", 2);
                    targets.add(new Target(new BalancerRules.Endpoint(nv[0], ap[0]), Integer.parseInt(ap[1])));
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (vip == null || port == 0 || marks == null || targets.isEmpty()) {
            throw new IllegalArgumentException("usage: --vip IP --port P --marks DIR [--pick random|hash] "
                    + "--endpoint NAME=IP,METRICS_PORT ...");
        }
        run(vip, port, marks, pick, targets, System.out);
    }

    static void run(String vip, int port, Path marks, BalancerRules.Pick pick, List<Target> targets, PrintStream out)
            throws InterruptedException {
        Map<String, Integer> streak = new HashMap<>(); // > 0: successes in a row, < 0: failures
        Map<String, Boolean> healthy = new HashMap<>();
        List<String> loaded = null;
        while (!Thread.currentThread().isInterrupted()) {
            List<BalancerRules.Endpoint> in = new ArrayList<>();
            List<String> why = new ArrayList<>();
            for (Target t : targets) {
                String name = t.endpoint().name();
                boolean ok = answers(t.endpoint().address(), t.metricsPort());
                int s = streak.getOrDefault(name, 0);
                s = ok ? Math.max(1, s + 1) : Math.min(-1, s - 1);
                streak.put(name, s);
                boolean was = healthy.getOrDefault(name, false);
                boolean now = was ? s > -THRESHOLD : s >= THRESHOLD;
                healthy.put(name, now);
                if (Files.exists(marks.resolve(name + ".draining"))) {
                    why.add(name + ": draining");
                } else if (!now) {
                    why.add(name + ": down");
                } else {
                    in.add(t.endpoint());
                }
            }
            List<String> names = in.stream().map(BalancerRules.Endpoint::name).toList();
            if (!names.equals(loaded)) {
                Commands.run(List.of("nft", "-f", "-"), BalancerRules.render(vip, port, in, pick),
                        Netns.COMMAND_TIMEOUT).check();
                out.println(CHANGE + names + " at " + System.currentTimeMillis()
                        + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")"));
                if (loaded == null) {
                    out.println(READY);
                }
                out.flush();
                loaded = names;
            }
            Thread.sleep(INTERVAL_MS); // a periodic health check: the period is the point
        }
    }

    /** Whether {@code http://address:port/metrics} answers 200 within {@value #TIMEOUT_MS} ms. */
    static boolean answers(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(("GET /metrics HTTP/1.0\r\nHost: " + address + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            int n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(head, 0, n, StandardCharsets.US_ASCII).matches("HTTP/1\\.[01] 200");
        } catch (IOException e) {
            return false;
        }
    }
}
