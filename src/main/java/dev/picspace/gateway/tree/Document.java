package dev.picspace.gateway.tree;

/**
 * A whole response: the root name and its body.
 *
 * @param rootName   TOP: {@code picture_get_response} / {@code error_response}; VOD: {@code GetImageInfoResponse}
 * @param wrapRootInJson TOP writes {@code {"picture_get_response":{…}}}; VOD writes the body's fields at the top
 */
public record Document(String rootName, ObjectNode body, boolean wrapRootInJson) {}
