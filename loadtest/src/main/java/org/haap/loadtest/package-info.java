/**
 * The load-test framework: the {@code loadtest} command line ({@link org.haap.loadtest.Main}),
 * the {@link org.haap.loadtest.Scenario} interface every measurement implements, and the
 * small pieces they share (argument parsing, a JSON writer, text tables, order statistics
 * and a teardown list that also runs on Ctrl-C). Scenarios live in subpackages.
 */
package org.haap.loadtest;
