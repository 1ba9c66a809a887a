package dev.picspace.domain;

/** Root of every failure picspace names; unchecked, as in Jdbi: callers catch what they can act on. */
public class PicspaceException extends RuntimeException {
    public PicspaceException(String message) { super(message); }
    public PicspaceException(String message, Throwable cause) { super(message, cause); }
}
