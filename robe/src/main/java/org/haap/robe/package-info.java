/**
 * Connection establishment across WAN paths: the {@link org.haap.robe.WanPath} model, the
 * {@link org.haap.robe.WanState} liveness tracker and the {@link org.haap.robe.Establisher}
 * strategies that turn "reach the aggregation point over one of these WANs" into one
 * connected MPTCP channel plus a record of every attempt ({@link org.haap.robe.Established}).
 * This package knows nothing of Convert or relaying: it hands back a connected channel that
 * carries no data yet and says why that path won. Today's strategy is
 * {@link org.haap.robe.Sequential}; RobE_SIM, RobE_TIMER, RobE_IPS and the warm pool are
 * further implementations of the same interface.
 */
package org.haap.robe;
