package dev.picspace.app;

import dev.picspace.domain.ImageEngine;
import dev.picspace.imaging.render.Java2dImageEngine;

/**
 * Which {@link ImageEngine} the service renders with: the pure-Java one. A native engine (libvips)
 * would be chosen here, behind the same interface.
 */
final class Engines {
    private Engines() {}

    static ImageEngine defaultEngine() {
        return new Java2dImageEngine();
    }
}
