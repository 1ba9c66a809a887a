package dev.picspace.gateway.tree;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A list field. Its {@link Wrapping} says how both formats write it; {@code itemName} names each
 * element where a format needs a name for it.
 */
public final class ListNode implements Node {

    public enum Wrapping {
        /**
         * Taobao: JSON {@code "pictures":{"picture":[…]}} (an empty list as {@code "pictures":{}}),
         * XML {@code <pictures list="true"><picture>…</picture></pictures>}. With TOP's
         * {@code simplify=true}, JSON writes a plain array instead.
         */
        TOP_LIST,
        /** JSON {@code "Field":[…]}; XML repeats {@code <Field>…</Field>} once per item (itemName unused). */
        FLAT,
        /** JSON {@code "Field":{"Item":[…]}}; XML {@code <Field><Item>…</Item>…</Field>}. */
        WRAPPED,
        /**
         * VOD's "flat" arrays (vod.md §0.3, §3.10): JSON {@code "Field":[…]} like {@link #FLAT};
         * XML {@code <Field><Field>…</Field>…</Field>}, each item named like the field, inside one
         * element of that name. The documents show the items as repeated siblings under the root,
         * which aliyun-java-sdk-core's XmlReader reads as an empty list whenever the root has other
         * children; this form is the one it reads (itemName unused).
         */
        VOD_FLAT
    }

    private final String itemName;
    private final Wrapping wrapping;
    private final List<Node> items = new ArrayList<>();

    public ListNode(String itemName, Wrapping wrapping) {
        this.itemName = itemName;
        this.wrapping = wrapping;
    }

    public static ListNode topList(String itemName) { return new ListNode(itemName, Wrapping.TOP_LIST); }

    public static ListNode flat() { return new ListNode(null, Wrapping.FLAT); }

    public static ListNode wrapped(String itemName) { return new ListNode(itemName, Wrapping.WRAPPED); }

    public static ListNode vodFlat() { return new ListNode(null, Wrapping.VOD_FLAT); }

    public ListNode add(Node item) { items.add(item); return this; }

    public ListNode add(String s) { return add(Scalar.of(s)); }

    public String itemName() { return itemName; }

    public Wrapping wrapping() { return wrapping; }

    public List<Node> items() { return Collections.unmodifiableList(items); }
}
