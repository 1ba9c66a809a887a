package dev.picspace.domain;

/**
 * Told after a picture's bytes or visibility changed (replaced, recycled), once the change is
 * committed, so that whatever keeps copies by URL (the serving handler's short lookup cache) can
 * drop them at once on this node. Other nodes rely on their caches' time-to-live.
 */
public interface PictureChangeListener {
    void pictureChanged(Picture before);
}
