package io.cuttle.wire.api;

/** An RFC 9457 problem document: every API error has one, with a detail a person can act on. */
public record Problem(String type, String title, int status, String detail) {}
