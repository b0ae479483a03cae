/**
 * Operator tools over a staging database, for the CLI and for applications that embed Failback:
 * {@link dev.failback.core.admin.Checkpoints} lists each group's checkpoint and lease and moves a
 * checkpoint back while no instance holds the group. They need only the staging database's
 * credentials; nothing here opens a network endpoint. Nothing here is null unless documented.
 */
package dev.failback.core.admin;
