package org.haap.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haap.deploy.monitoring.SourceTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/kubernetes/}: every manifest is valid against the Kubernetes API schema
 * ({@link ApiSchema}, which this test first shows to reject broken objects), the
 * kustomization lists them all, the objects fit together the way docs/scale-out.md says
 * (host network, node address from status.hostIP, Service of type LoadBalancer with
 * externalTrafficPolicy Local, selectors, probes, grace period against the drain), and
 * the ConfigMap's configuration with the Secret's cookies passes {@code check-config}.
 * Nothing here needs a cluster.
 */
class KubernetesManifestsTest {

    private static final Path DIR = SourceTree.file("deploy/kubernetes");

    /** Every object of every manifest, by file name, in file order. */
    private static Map<String, List<Map<String, Object>>> manifests() throws IOException {
        Map<String, List<Map<String, Object>>> all = new TreeMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<Map<String, Object>> docs = new ArrayList<>();
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    if (doc != null) {
                        docs.add(map(doc));
                    }
                }
                all.put(f.getFileName().toString(), docs);
            }
        }
        return all;
    }

    private static Map<String, Object> object(String kind) throws IOException {
        List<Map<String, Object>> found = manifests().values().stream().flatMap(List::stream)
                .filter(o -> kind.equals(o.get("kind"))).toList();
        assertEquals(1, found.size(), () -> "one " + kind + " in deploy/kubernetes/");
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, () -> "expected a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, () -> "expected a list: " + o);
        return (List<Object>) o;
    }

    /** The value at a path of keys and list indexes, e.g. {@code at(o, "spec", "ports", 0, "port")}. */
    private static Object at(Object o, Object... path) {
        for (Object step : path) {
            o = step instanceof Integer i ? list(o).get(i) : map(o).get(step);
            assertNotNull(o, () -> "missing " + List.of(path));
        }
        return o;
    }

    private static Map<String, Object> container(Map<String, Object> podSpec, String name) {
        return list(podSpec.get("containers")).stream().map(KubernetesManifestsTest::map)
                .filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow();
    }

    @Test
    void validatorRejectsWhatTheApiServerWould() {
        String ok = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: c
                          image: i
                          ports: [{containerPort: 5124}]
                          resources: {limits: {memory: 1Gi}}
                """;
        assertNull(ApiSchema.problem(map(new Yaml().load(ok))));
        // a field at the wrong place (sysctls belong to the pod's securityContext)
        assertProblem(ok.replace("image: i", "image: i\n          securityContext: {sysctls: []}"), "sysctls");
        // a misspelt field
        assertProblem(ok.replace("selector:", "selectr:"), "selectr");
        // a required field missing
        assertProblem(ok.replace("- name: c\n          image: i", "- image: i"), "name");
        // a value of the wrong type
        assertProblem(ok.replace("containerPort: 5124", "containerPort: convert"), "convert");
        assertProblem(ok.replace("memory: 1Gi", "memory: lots"), "lots");
        // a kind the API does not have
        assertProblem(ok.replace("kind: DaemonSet", "kind: DaemonSett"), "DaemonSett");
    }

    private static void assertProblem(String yaml, String mentioning) {
        String problem = ApiSchema.problem(map(new Yaml().load(yaml)));
        assertNotNull(problem, () -> "accepted:\n" + yaml);
        assertTrue(problem.contains(mentioning), problem);
    }

    @Test
    void everyManifestIsValidAgainstTheApiSchema() throws IOException {
        Map<String, List<Map<String, Object>>> all = manifests();
        List<String> problems = new ArrayList<>();
        int objects = 0;
        for (var e : all.entrySet()) {
            if (e.getKey().equals("kustomization.yaml")) {
                continue;
            }
            for (Map<String, Object> o : e.getValue()) {
                objects++;
                String p = ApiSchema.problem(o);
                if (p != null) {
                    problems.add(e.getKey() + ": " + p);
                }
                if (!"Namespace".equals(o.get("kind"))) {
                    assertEquals("haap", at(o, "metadata", "namespace"), e.getKey());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(6, objects, "Namespace, ConfigMap, Secret, DaemonSet, Service, PodDisruptionBudget");
    }

    @Test
    void kustomizationListsEveryManifestAndSetsTheImage() throws IOException {
        Map<String, Object> k = manifests().get("kustomization.yaml").get(0);
        List<String> listed = list(k.get("resources")).stream().map(String::valueOf).sorted().toList();
        List<String> files = new ArrayList<>(manifests().keySet());
        files.remove("kustomization.yaml");
        assertEquals(files, listed);
        Map<String, Object> pod = map(at(object("DaemonSet"), "spec", "template", "spec"));
        Object image = at(k, "images", 0, "name");
        assertEquals(image, container(pod, "aggregation-point").get("image"));
        assertEquals(image, at(pod, "initContainers", 0, "image"));
    }

    @Test
    void theObjectsFitTogetherForScaleOut() throws IOException {
        Map<String, Object> ds = object("DaemonSet");
        Map<String, Object> svc = object("Service");
        Map<String, Object> pdb = object("PodDisruptionBudget");
        Map<String, Object> labels = map(at(ds, "spec", "template", "metadata", "labels"));
        assertTrue(labels.entrySet().containsAll(map(at(ds, "spec", "selector", "matchLabels")).entrySet()));
        assertTrue(labels.entrySet().containsAll(map(at(svc, "spec", "selector")).entrySet()));
        assertTrue(labels.entrySet().containsAll(map(at(pdb, "spec", "selector", "matchLabels")).entrySet()));

        Map<String, Object> pod = map(at(ds, "spec", "template", "spec"));
        assertEquals(true, pod.get("hostNetwork"));
        Map<String, Object> ap = container(pod, "aggregation-point");
        Map<String, Object> env = list(ap.get("env")).stream().map(KubernetesManifestsTest::map)
                .filter(e -> "HAAP_NODE_ADDRESS".equals(e.get("name"))).findFirst().orElseThrow();
        assertEquals("status.hostIP", at(env, "valueFrom", "fieldRef", "fieldPath"));
        assertEquals(List.of("NET_ADMIN"), at(ap, "securityContext", "capabilities", "add"));

        assertEquals("LoadBalancer", at(svc, "spec", "type"));
        assertEquals("Local", at(svc, "spec", "externalTrafficPolicy"));
        for (Object port : list(at(svc, "spec", "ports"))) {
            assertEquals(5124, at(port, "targetPort"), "the AP's listen port");
        }
        assertEquals(5124, at(ap, "readinessProbe", "tcpSocket", "port"), "readiness is the service listener");

        String conf = config();
        assertTrue(conf.contains("listen = [\"0.0.0.0:5124\"]"), conf);
        Matcher metrics = Pattern.compile("metrics\\.listen = \\$\\{HAAP_NODE_ADDRESS}\":(\\d+)\"").matcher(conf);
        assertTrue(metrics.find(), conf);
        Map<String, Object> annotations = map(at(ds, "spec", "template", "metadata", "annotations"));
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals(metrics.group(1), annotations.get("prometheus.io/port"));
        assertEquals(Integer.valueOf(metrics.group(1)), at(ap, "livenessProbe", "httpGet", "port"));

        Matcher drain = Pattern.compile("drain = (\\d+)s").matcher(conf);
        assertTrue(drain.find(), conf);
        int preStop = (Integer) at(ap, "lifecycle", "preStop", "sleep", "seconds");
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");
        assertTrue(grace >= preStop + Integer.parseInt(drain.group(1)) + 5,
                () -> "terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " + drain " + drain.group(1)
                        + " + 5");

        String sysctls = String.valueOf(at(pod, "initContainers", 0, "command", 2));
        for (String s : List.of("net/mptcp/enabled 1", "net/mptcp/allow_join_initial_addr_port 0",
                "net/ipv4/tcp_fastopen 3")) {
            assertTrue(sysctls.contains("w " + s), () -> s + " in " + sysctls);
        }
    }

    private static String config() throws IOException {
        return (String) at(object("ConfigMap"), "data", "aggregation-point.conf");
    }

    @Test
    void theConfigMapPassesCheckConfigWithTheNodeAddressAndCookies(@TempDir Path tmp) throws Exception {
        String cookies = (String) at(object("Secret"), "stringData", "cookies.conf");
        Files.writeString(tmp.resolve("cookies.conf"), cookies);
        Path conf = tmp.resolve("aggregation-point.conf");
        String text = config();
        assertTrue(text.contains("/etc/haap/secret/cookies.conf"), "the Secret's mount path");
        Files.writeString(conf, text.replace("/etc/haap/secret/cookies.conf", tmp.resolve("cookies.conf").toString()));

        String out = checkConfig(conf, "198.51.100.1");
        assertTrue(out.contains("node address 198.51.100.1 port 5125 announced"), out);
        // without the downward API's variable the AP refuses to start
        StringBuilder noAddress = new StringBuilder();
        assertEquals(78, run(conf, null, noAddress), noAddress::toString);
        assertTrue(noAddress.toString().contains("HAAP_NODE_ADDRESS"), noAddress::toString);
        // the Secret's file is what sets the cookies: emptied, require-cookie has none
        Files.writeString(tmp.resolve("cookies.conf"), cookies.replaceAll("cookies = \\[.*]", "cookies = []"));
        StringBuilder noCookies = new StringBuilder();
        assertEquals(78, run(conf, "198.51.100.1", noCookies), noCookies::toString);
        assertTrue(noCookies.toString().contains("require-cookie"), noCookies::toString);
        // and without the Secret mounted the AP does not start either
        Files.delete(tmp.resolve("cookies.conf"));
        assertEquals(78, run(conf, "198.51.100.1", new StringBuilder()));
    }

    private static String checkConfig(Path conf, String nodeAddress) throws Exception {
        StringBuilder out = new StringBuilder();
        int exit = run(conf, nodeAddress, out);
        assertEquals(0, exit, out::toString);
        return out.toString();
    }

    private static int run(Path conf, String nodeAddress, StringBuilder out) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "org.haap.config.CheckConfig", conf.toString()).redirectErrorStream(true);
        pb.environment().remove("HAAP_NODE_ADDRESS");
        if (nodeAddress != null) {
            pb.environment().put("HAAP_NODE_ADDRESS", nodeAddress);
        }
        Process p = pb.start();
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check-config did not finish");
        return p.exitValue();
    }
}
