/**
 * The {@code CREATE CHANGEFEED} that feeds Failback: {@link dev.failback.examples.cli.changefeed.ChangefeedSpec}
 * renders the statement the MOLT failback runbook recommends (path per target, certificates in the sink
 * URL, bearer token, batching), {@link dev.failback.examples.cli.changefeed.ClusterSettings} lists the cluster
 * settings with their trade-offs, and {@link dev.failback.examples.cli.changefeed.ChangefeedRunner} reads the
 * cursor and creates the changefeed over JDBC.
 */
package dev.failback.examples.cli.changefeed;
