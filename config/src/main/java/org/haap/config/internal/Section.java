package org.haap.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.haap.config.ConfigError;

/**
 * One HOCON subtree (e.g. {@code haap.aggregation-point.timeouts}) read with types and
 * ranges. Every getter takes a key relative to the subtree and throws a
 * {@link ConfigError} that names the full key, the value as written and what was
 * expected. The subtree is compared with the same subtree of {@code reference.conf} to
 * find unknown keys.
 *
 * <p>An element of a list of objects ({@link #objects}) is a section too; its keys are
 * named with the list index, {@code haap.gateway.wan[1].name}, and its known keys and
 * defaults come from a template given by the caller.
 */
public final class Section {
    private final Config config;
    private final Config reference;
    /** The full key shown in messages. */
    private final String path;
    /** Where this subtree is in {@code config} and {@code reference}; "" = their root. */
    private final String at;

    /**
     * @param config the resolved configuration, already merged over {@code reference}
     * @param reference the reference configuration: it defines the known keys
     * @param path the full path of this subtree
     */
    public Section(Config config, Config reference, String path) {
        this(config, reference, path, path);
    }

    private Section(Config config, Config reference, String path, String at) {
        this.config = config;
        this.reference = reference;
        this.path = path;
        this.at = at;
    }

    public String path() {
        return path;
    }

    /** The full key of {@code name} in this subtree. */
    public String key(String name) {
        return path + '.' + name;
    }

    /** The subtree {@code name}; an error if it is not an object. */
    public Section child(String name) {
        requireObject(lookup(name), key(name));
        return new Section(config, reference, key(name), lookup(name));
    }

    /** This subtree itself, checked to be an object. */
    public Section requireObject() {
        if (!at.isEmpty()) {
            requireObject(at, path);
        }
        return this;
    }

    /**
     * The list of objects {@code name}, one section per element, keyed
     * {@code name[0]}, {@code name[1]}, ... Each element is read over {@code template},
     * which supplies the element's defaults and defines its known keys (a key with a
     * {@code null} value is known but has no default).
     */
    public List<Section> objects(String name, String expected, Config template) {
        List<? extends ConfigObject> list = typed(name, expected, config::getObjectList);
        List<Section> elements = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Config element = list.get(i).toConfig().withFallback(template);
            elements.add(new Section(element, template, key(name) + '[' + i + ']', ""));
        }
        return List.copyOf(elements);
    }

    /** Whether {@code name} has a value other than {@code null}. */
    public boolean isSet(String name) {
        return config.hasPath(lookup(name));
    }

    /** An error naming {@code name}'s full key, its value as written and {@code expected}. */
    public ConfigError invalid(String name, String expected) {
        return ConfigError.invalid(key(name), render(lookup(name)), expected);
    }

    /** An integer in {@code min..max}. */
    public int intInRange(String name, int min, int max) {
        int value = typed(name, "an integer", config::getInt);
        if (value < min || value > max) {
            throw invalid(name, min + ".." + max);
        }
        return value;
    }

    public int intAtLeast(String name, int min) {
        int value = typed(name, "an integer", config::getInt);
        if (value < min) {
            throw invalid(name, ">= " + min);
        }
        return value;
    }

    /** A duration in {@code 0..max}. */
    public Duration durationUpTo(String name, Duration max, String maxText) {
        Duration value = typed(name, "a duration such as 10s", config::getDuration);
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw invalid(name, "0.." + maxText);
        }
        return value;
    }

    public Duration positiveDuration(String name) {
        Duration value = typed(name, "a duration such as 10s", config::getDuration);
        if (value.isNegative() || value.isZero()) {
            throw invalid(name, "> 0");
        }
        return value;
    }

    /** A duration of at least {@code minMillis} milliseconds (and so > 0). */
    public Duration durationAtLeastMillis(String name, long minMillis) {
        Duration value = positiveDuration(name);
        if (value.toMillis() < minMillis) {
            throw invalid(name, ">= " + minMillis + "ms");
        }
        return value;
    }

    /** A size in bytes written in HOCON memory-size syntax ({@code 64KiB}), at most {@code max}. */
    public int bytes(String name, int max, String maxText) {
        long value = typed(name, "a size such as 64KiB", k -> config.getMemorySize(k).toBytes());
        if (value > max) {
            throw invalid(name, "<= " + maxText);
        }
        return (int) value;
    }

    /**
     * A positive duration, or empty if the value is the string {@code word} (such as
     * {@code auto}).
     */
    public Optional<Duration> positiveDurationOr(String name, String word) {
        if (config.hasPath(lookup(name)) && config.getValue(lookup(name)).valueType() == ConfigValueType.STRING
                && word.equals(config.getString(lookup(name)))) {
            return Optional.empty();
        }
        Duration value = typed(name, word + " or a duration such as 10s", config::getDuration);
        if (value.isNegative() || value.isZero()) {
            throw invalid(name, word + " or > 0");
        }
        return Optional.of(value);
    }

    /** A duration of whole seconds, {@code 0s..maxSeconds}. */
    public Duration wholeSeconds(String name, long maxSeconds) {
        Duration value = typed(name, "a duration such as 10s", config::getDuration);
        if (value.isNegative()) {
            throw invalid(name, ">= 0s");
        }
        if (value.getNano() != 0) {
            throw invalid(name, "whole seconds, such as 3600s");
        }
        if (value.getSeconds() > maxSeconds) {
            throw invalid(name, "<= " + maxSeconds + 's');
        }
        return value;
    }

    public boolean bool(String name) {
        return typed(name, "true or false", config::getBoolean);
    }

    /** A string turned into a value by {@code parser}; {@code expected} also describes a missing value. */
    public <T> T parseString(String name, String expected, Function<String, T> parser) {
        String text = typed(name, expected, config::getString);
        return parse(name, text, parser);
    }

    /**
     * A secret string (a password, a cookie) checked by {@code check}: no message shows the
     * value as written, only its type; {@code check} must not echo it either.
     */
    public String secret(String name, Function<String, String> check) {
        String text;
        try {
            text = config.getString(lookup(name));
        } catch (ConfigException.Missing e) {
            throw ConfigError.invalid(key(name), "missing", "a string");
        } catch (ConfigException e) {
            String type = config.getValue(lookup(name)).valueType().name().toLowerCase(Locale.ROOT);
            throw ConfigError.invalid(key(name), "<" + type + '>', "a string");
        }
        return parse(name, text, check);
    }

    /** A literal IP address (IPv4-mapped IPv6 text becomes IPv4); never a host name. */
    public InetAddress address(String name) {
        return parseString(name, "an IP address", InetLiterals::parseAddress);
    }

    public List<String> strings(String name) {
        return typed(name, "a list of strings", config::getStringList);
    }

    /** A lower-case enum constant name ({@code MPTCP} is written {@code mptcp}). */
    public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
        E[] constants = type.getEnumConstants();
        String expected = "one of " + Arrays.stream(constants).map(Section::lowerName).collect(Collectors.joining(", "));
        String text = typed(name, expected, config::getString);
        for (E e : constants) {
            if (lowerName(e).equals(text)) {
                return e;
            }
        }
        throw invalid(name, expected);
    }

    public InetSocketAddress socketAddress(String name) {
        return parseString(name, "a \"host:port\" string", InetLiterals::parseSocketAddress);
    }

    /** A non-empty list of {@code "host:port"} strings. */
    public List<InetSocketAddress> socketAddresses(String name) {
        List<InetSocketAddress> addresses = parseEach(name, InetLiterals::parseSocketAddress);
        if (addresses.isEmpty()) {
            throw invalid(name, "at least one address");
        }
        return addresses;
    }

    /** Each string of the list {@code name} through {@code parser}; every bad element is reported. */
    public <T> List<T> parseEach(String name, Function<String, T> parser) {
        List<String> texts = strings(name);
        Problems problems = new Problems();
        List<T> values = new ArrayList<>(texts.size());
        for (String text : texts) {
            values.add(problems.read(() -> parse(name, text, parser)));
        }
        problems.throwIfAny();
        return List.copyOf(values);
    }

    /**
     * Like {@link #parseEach}, but an error names the element by position,
     * {@code haap.aggregation-point.destinations.allow[2]: ...}.
     */
    public <T> List<T> parseEachIndexed(String name, Function<String, T> parser) {
        List<String> texts = strings(name);
        Problems problems = new Problems();
        List<T> values = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            String key = key(name) + '[' + i + ']';
            values.add(problems.read(() -> {
                try {
                    return parser.apply(text);
                } catch (BadValue e) {
                    throw ConfigError.invalid(key, e.value(), e.expected());
                }
            }));
        }
        problems.throwIfAny();
        return List.copyOf(values);
    }

    /** Errors for every key of this subtree (at any depth) that {@code reference.conf} does not define. */
    public List<ConfigError> unknownKeys() {
        return unknownKeys(true);
    }

    /** Errors for the keys directly in this subtree that {@code reference.conf} does not define. */
    public List<ConfigError> unknownChildren() {
        return unknownKeys(false);
    }

    private List<ConfigError> unknownKeys(boolean deep) {
        List<ConfigError> errors = new ArrayList<>();
        try {
            unknownKeys(path, object(config), object(reference), deep, errors);
        } catch (ConfigException e) {
            errors.add(ConfigError.invalid(path, render(at), "an object"));
        }
        return errors;
    }

    private ConfigObject object(Config c) {
        return at.isEmpty() ? c.root() : c.getObject(at);
    }

    private static void unknownKeys(String at, ConfigObject actual, ConfigObject known, boolean deep,
            List<ConfigError> errors) {
        for (String name : new TreeSet<>(actual.keySet())) {
            String key = at + '.' + name;
            ConfigValue knownValue = known.get(name);
            if (knownValue == null) {
                errors.add(new ConfigError(key, key + ": unknown key (" + suggest(name, known.keySet()) + ')'));
            } else if (deep && actual.get(name) instanceof ConfigObject && knownValue instanceof ConfigObject) {
                unknownKeys(key, (ConfigObject) actual.get(name), (ConfigObject) knownValue, true, errors);
            }
        }
    }

    private static String suggest(String name, Set<String> known) {
        String closest = known.stream().min(Comparator.comparingInt(k -> distance(name, k))).orElse(null);
        if (closest != null && distance(name, closest) <= Math.max(2, name.length() / 4)) {
            return "did you mean '" + closest + "'?";
        }
        return "expected: one of " + String.join(", ", new TreeSet<>(known));
    }

    /** Levenshtein edit distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private <T> T parse(String name, String text, Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (BadValue e) {
            throw ConfigError.invalid(key(name), e.value(), e.expected());
        }
    }

    private <T> T typed(String name, String expected, Function<String, T> getter) {
        try {
            return getter.apply(lookup(name));
        } catch (ConfigException.Missing e) {
            throw ConfigError.invalid(key(name), "missing", expected);
        } catch (ConfigException | IllegalArgumentException e) {
            throw ConfigError.invalid(key(name), render(lookup(name)), expected);
        }
    }

    /** Where {@code name} is in {@code config}. */
    private String lookup(String name) {
        return at.isEmpty() ? name : at + '.' + name;
    }

    private void requireObject(String lookupKey, String key) {
        try {
            config.getObject(lookupKey);
        } catch (ConfigException e) {
            throw ConfigError.invalid(key, render(lookupKey), "an object");
        }
    }

    /** The value at a key of {@code config} as the operator wrote it: strings unquoted, others in HOCON. */
    private String render(String key) {
        try {
            ConfigValue value = config.getValue(key);
            return value.valueType() == ConfigValueType.STRING
                    ? (String) value.unwrapped()
                    : value.render(ConfigRenderOptions.concise());
        } catch (ConfigException e) {
            return "missing";
        }
    }

    private static String lowerName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
