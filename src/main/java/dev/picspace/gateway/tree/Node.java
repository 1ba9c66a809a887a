package dev.picspace.gateway.tree;

/**
 * A response as a small ordered tree (design: Responses): objects with named fields, lists that
 * know their item name and wrapping, and typed scalars. Each dialect builds one tree per call; a
 * JSON and an XML writer render it, so wrapping is decided once, never per format.
 */
public sealed interface Node permits ObjectNode, ListNode, Scalar {}
