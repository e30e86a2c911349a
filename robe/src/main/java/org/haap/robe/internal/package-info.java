/**
 * Building blocks shared by the establishment strategies (one connect attempt on one WAN,
 * failure classification); not API.
 */
package org.haap.robe.internal;
