package dev.picspace.domain;

import java.util.Optional;

/** System categories every space has, and the ones its owner makes. Wire names are Taobao's live ones. */
public enum CategoryType {
    AUCTION("auction", "宝贝图片"),
    FIXED("fixed", "店铺装修"),
    USER_DEFINE("user-define", null);

    private final String wireName;
    private final String systemName;

    CategoryType(String wireName, String systemName) { this.wireName = wireName; this.systemName = systemName; }

    public String wireName() { return wireName; }

    /** The name a system category is created with; null for user categories. */
    public String systemName() { return systemName; }

    /** Accepts the live names and the documented ones ({@code sys-auction}, {@code sys-fixture}). */
    public static Optional<CategoryType> fromWire(String s) {
        return switch (s) {
            case "auction", "sys-auction" -> Optional.of(AUCTION);
            case "fixed", "sys-fixture", "sys-fixed" -> Optional.of(FIXED);
            case "user-define" -> Optional.of(USER_DEFINE);
            default -> Optional.empty();
        };
    }
}
