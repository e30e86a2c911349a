/**
 * The cost-per-connection scenarios ({@code conn-rate}, {@code idle-conns},
 * {@code throughput}, {@code footprint}): the whole HAAP pair (client gateway and
 * aggregation point, the shipped JVM settings) side by side with a HAProxy pair and the
 * kernel alone, on one private testbed, all measured in the same run. {@link org.haap.loadtest.cost.PairBed} sets the three paths up;
 * {@link org.haap.loadtest.cost.CostServer} is the server at their end.
 */
package org.haap.loadtest.cost;
