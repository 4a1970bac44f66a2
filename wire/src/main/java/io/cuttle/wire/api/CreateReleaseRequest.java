package io.cuttle.wire.api;

import java.util.Map;

/** Body to create a release: its version, and the version of each package its steps deploy. */
public record CreateReleaseRequest(String version, Map<String, String> packages) {}
