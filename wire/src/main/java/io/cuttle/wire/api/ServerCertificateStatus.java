package io.cuttle.wire.api;

import java.util.List;

/**
 * Where a rotation of the server's own certificate stands: the certificate presented now, the next
 * one tentacles are learning (null when none was created), the one it replaced (null before the
 * first rotation), and which registered tentacles do not yet hold the next one.
 *
 * @param tentacles registered tentacles
 * @param pinned how many of them said on a poll that they hold the next thumbprint
 * @param onlineWithoutPin names of tentacles heard from recently that do not hold it: activating
 *     now would cut them off
 * @param offlineWithoutPin names of the others that do not hold it: they must be registered again
 *     after the switch unless they poll before it
 */
public record ServerCertificateStatus(
    String currentThumbprint,
    String nextThumbprint,
    String previousThumbprint,
    int tentacles,
    int pinned,
    List<String> onlineWithoutPin,
    List<String> offlineWithoutPin) {}
