package io.cuttle.wire.api;

import java.util.List;

/** Every environment's name, in the order they should have from now on. */
public record EnvironmentOrderRequest(List<String> names) {}
