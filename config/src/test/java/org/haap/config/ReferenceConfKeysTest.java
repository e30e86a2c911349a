package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.config.internal.Section;
import org.junit.jupiter.api.Test;

/**
 * {@code reference.conf} is the documentation of every key, so it must list exactly the keys
 * the loader reads: the test reads both applications' configurations through a {@link Config}
 * that records every key looked up, and compares that with the keys (and the WAN element keys
 * listed in the comment of {@code haap.gateway.wan}) of
 * {@code config/src/main/resources/reference.conf}. A key added to a record but not to the
 * file, or documented but no longer read, fails it; so does a key without a comment.
 */
class ReferenceConfKeysTest {

    private static final Path REFERENCE = Path.of("src/main/resources/reference.conf");
    private static final String WAN = "haap.gateway.wan";

    /**
     * Every optional key set, so that keys read only when present (cookie, source6, table, probe-interval)
     * are read too.
     */
    private static final String EVERYTHING_SET = """
            haap.aggregation-point { cookies = ["fleet-secret"], require-cookie = true }
            haap.gateway {
              aggregation-point = "192.0.2.10:5124"
              cookie = "fleet-secret"
              robe.timer.syn-timeout = 200ms
              wan = [
                { name = dsl, interface = dsl0, source = "198.51.100.2", source6 = "2001:db8:10::2",
                  table = 101, backup = false }
                { name = lte, interface = wwan0, source = "203.0.113.7", table = 102, backup = true,
                  probe-interval = 5s }
              ]
            }
            """;

    @Test
    void everyKeyTheLoaderReadsIsDocumentedAndEveryDocumentedKeyIsRead() {
        Config reference = ConfigFactory.parseFile(REFERENCE.toFile());
        Set<String> read = keysRead(EVERYTHING_SET);
        assertTrue(read.size() > 50, "recorded " + read);
        assertEquals(List.of(), drift(reference, read));
    }

    @Test
    void everyDocumentedKeyHasACommentNamingItsDefault() {
        Config reference = ConfigFactory.parseFile(REFERENCE.toFile());
        List<String> undocumented = new ArrayList<>();
        leaves(reference.root(), "", (key, value) -> {
            String comment = String.join("\n", value.origin().comments());
            if (!comment.toLowerCase().contains("default")) {
                undocumented.add(key + " (comment: '" + comment.strip() + "')");
            }
        });
        assertEquals(List.of(), undocumented);
    }

    @Test
    void driftIsReportedBothWays() {
        // the check itself: a key documented but never read, and a key read but not documented
        Config reference = ConfigFactory.parseFile(REFERENCE.toFile());
        Set<String> read = keysRead(EVERYTHING_SET);
        Config extraDoc = ConfigFactory.parseString("haap.gateway.retired-key = 1").withFallback(reference);
        assertEquals(List.of("documented but not read: haap.gateway.retired-key"), drift(extraDoc, read));
        Set<String> extraRead = new TreeSet<>(read);
        extraRead.add("haap.aggregation-point.new-key");
        extraRead.add(WAN + ".mtu");
        assertEquals(List.of("read but not documented: haap.aggregation-point.new-key",
                "read but not documented: haap.gateway.wan.mtu"), drift(reference, extraRead));
    }

    /** The differences between the keys {@code reference} documents and {@code read}. */
    static List<String> drift(Config reference, Set<String> read) {
        Set<String> documented = documentedKeys(reference);
        List<String> problems = new ArrayList<>();
        for (String key : read) {
            if (!documented.contains(key)) {
                problems.add("read but not documented: " + key);
            }
        }
        for (String key : documented) {
            if (!read.contains(key)) {
                problems.add("documented but not read: " + key);
            }
        }
        return problems;
    }

    /**
     * The leaf keys of {@code reference} (null values too: known keys without a default), and
     * {@code haap.gateway.wan.NAME} for each element key described in the comment of
     * {@code wan} (lines {@code "#   NAME   meaning"}).
     */
    static Set<String> documentedKeys(Config reference) {
        Set<String> keys = new TreeSet<>();
        leaves(reference.root(), "", (key, value) -> keys.add(key));
        ConfigValue wan = reference.root().withOnlyKey("haap").toConfig().getValue(WAN);
        Pattern element = Pattern.compile("^ {1,3}([a-z][a-z0-9-]*) {2,}\\S");
        for (String line : wan.origin().comments()) {
            Matcher m = element.matcher(line);
            if (m.find()) {
                keys.add(WAN + '.' + m.group(1));
            }
        }
        return keys;
    }

    private static void leaves(ConfigObject object, String prefix, java.util.function.BiConsumer<String, ConfigValue> sink) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + '.' + e.getKey();
            if (e.getValue() instanceof ConfigObject child) {
                leaves(child, key, sink);
            } else {
                sink.accept(key, e.getValue());
            }
        }
    }

    /** Reads both sections of {@code hocon} (over reference.conf) and returns every key looked up. */
    private static Set<String> keysRead(String hocon) {
        Config reference = ConfigFactory.defaultReference();
        Config root = ConfigFactory.parseString(hocon).withFallback(reference).resolve();
        Set<String> read = new TreeSet<>();
        Config recording = recording(root, "", read);
        ApConfig.read(new Section(recording, reference, ApConfig.PATH));
        GatewayConfig gw = GatewayConfig.read(new Section(recording, reference, GatewayConfig.PATH));
        assertEquals(2, gw.wans().size());
        assertTrue(gw.cookie().isPresent());
        read.removeIf(k -> !k.startsWith("haap."));
        return read;
    }

    /**
     * A {@link Config} that records the path of every value looked up ({@code getX(path)},
     * {@code hasPath}), prefixed with {@code prefix}. Subtree lookups ({@code getObject},
     * {@code getConfig}) are not reads of a key. The elements of an object list are recorded
     * under {@code LIST.KEY}.
     */
    private static Config recording(Config target, String prefix, Set<String> read) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            boolean pathLookup = args != null && args.length >= 1 && args[0] instanceof String
                    && (name.startsWith("get") || name.startsWith("has"))
                    && !name.equals("getObject") && !name.equals("getConfig");
            if (pathLookup) {
                read.add(prefix + args[0]);
            }
            Object result = invoke(method, target, args);
            if (result instanceof Config c) {
                return recording(c, prefix, read);
            }
            if (name.equals("getObjectList")) {
                String listPrefix = prefix + args[0] + '.';
                List<ConfigObject> elements = new ArrayList<>();
                for (Object o : (List<?>) result) {
                    elements.add(recordingElement((ConfigObject) o, listPrefix, read));
                }
                return elements;
            }
            return result;
        };
        return (Config) Proxy.newProxyInstance(Config.class.getClassLoader(), new Class<?>[] {Config.class}, handler);
    }

    private static ConfigObject recordingElement(ConfigObject target, String prefix, Set<String> read) {
        InvocationHandler handler = (proxy, method, args) -> method.getName().equals("toConfig")
                ? recording(target.toConfig(), prefix, read)
                : invoke(method, target, args);
        return (ConfigObject) Proxy.newProxyInstance(ConfigObject.class.getClassLoader(),
                new Class<?>[] {ConfigObject.class}, handler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void recordingSeesWanElementKeys() {
        Set<String> read = keysRead(EVERYTHING_SET);
        assertTrue(read.containsAll(Set.of(WAN, WAN + ".name", WAN + ".source6", WAN + ".table",
                WAN + ".probe-interval")), read::toString);
        assertFalse(read.contains(WAN + ".mtu"));
    }
}
