/**
 * The JSON documents of the REST API, shared by the server that writes them and the clients (CLI,
 * tentacle registration, demo) that read them. Records serialize with Jackson as they are; fields
 * are only ever added, never renamed, so older clients keep working.
 */
package io.cuttle.wire.api;
