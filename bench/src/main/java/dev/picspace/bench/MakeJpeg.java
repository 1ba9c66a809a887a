package dev.picspace.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code MakeJpeg BYTES SEED FILE}: writes a noisy JPEG of about BYTES bytes, for the shell benchmarks. */
public final class MakeJpeg {
    private MakeJpeg() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) throw new IllegalArgumentException("usage: MakeJpeg BYTES SEED FILE");
        byte[] jpeg = BenchImages.noisyJpeg(Integer.parseInt(args[0]), Long.parseLong(args[1]));
        Files.write(Path.of(args[2]), jpeg);
    }
}
