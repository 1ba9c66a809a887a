package dev.picspace.domain;

import java.time.Instant;
import java.util.List;

/**
 * A filter over one tenant's pictures. Null fields do not filter. Paging is 1-based.
 *
 * @param deleted    null or FALSE: live pictures only; TRUE: the recycle bin only
 * @param titleLike  substring match on the title
 * @param urlTokens  pictures whose URL carries one of these tokens (TOP "urls")
 */
public record PictureQuery(Long pictureId, Long categoryId, Boolean deleted, Instant modifiedAfter,
                           String titleLike, Instant createdFrom, Instant createdTo, String clientType,
                           List<String> urlTokens, Order order, int pageNo, int pageSize) {

    public enum Order { TIME_DESC, TIME_ASC, SIZE_DESC, SIZE_ASC }

    public static PictureQuery all() {
        return new PictureQuery(null, null, null, null, null, null, null, null, null, Order.TIME_DESC, 1, 40);
    }

    public long offset() { return (long) (pageNo - 1) * pageSize; }
}
