/**
 * Connection establishment across WAN paths: the {@link org.haap.robe.WanPath} model, the
 * {@link org.haap.robe.WanState} liveness tracker and the {@link org.haap.robe.Establisher}
 * strategies that turn "reach the aggregation point over one of these WANs" into one
 * connected MPTCP channel plus a record of every attempt ({@link org.haap.robe.Established}).
 * This package knows nothing of Convert or relaying: it hands back a connected channel that
 * carries no data yet and says why that path won. Strategies: {@link org.haap.robe.RobeSim},
 * {@link org.haap.robe.RobeTimer}, {@link org.haap.robe.RobeIps} and {@link org.haap.robe.Classic};
 * {@link org.haap.robe.PathHistory} is what they measure per WAN.
 */
package org.haap.robe;
