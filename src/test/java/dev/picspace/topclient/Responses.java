package dev.picspace.topclient;

import com.taobao.api.TaobaoResponse;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.internal.mapping.ApiListField;

import java.util.List;

/** The picture responses as the official SDK defines them (top.md §5), written for tests. */
public final class Responses {
    private Responses() {}

    public static class PictureUploadResponse extends TaobaoResponse {
        @ApiField("picture") private Picture picture;
        public Picture getPicture() { return picture; }
        public void setPicture(Picture v) { picture = v; }
    }

    public static class PictureGetResponse extends TaobaoResponse {
        @ApiListField("pictures") @ApiField("picture") private List<Picture> pictures;
        @ApiField("totalResults") private Long totalResults;
        public List<Picture> getPictures() { return pictures; }
        public void setPictures(List<Picture> v) { pictures = v; }
        public Long getTotalResults() { return totalResults; }
        public void setTotalResults(Long v) { totalResults = v; }
    }

    public static class PicturePicturesGetResponse extends TaobaoResponse {
        @ApiListField("pictures") @ApiField("picture") private List<Picture> pictures;
        public List<Picture> getPictures() { return pictures; }
        public void setPictures(List<Picture> v) { pictures = v; }
    }

    public static class PicturePicturesCountResponse extends TaobaoResponse {
        @ApiField("totals") private Long totals;
        public Long getTotals() { return totals; }
        public void setTotals(Long v) { totals = v; }
    }

    public static class SuccessResponse extends TaobaoResponse {
        @ApiField("success") private Boolean success;
        public Boolean getSuccess() { return success; }
        public void setSuccess(Boolean v) { success = v; }
    }

    public static class DoneResponse extends TaobaoResponse {
        @ApiField("done") private Boolean done;
        public Boolean getDone() { return done; }
        public void setDone(Boolean v) { done = v; }
    }

    public static class IsReferencedResponse extends TaobaoResponse {
        @ApiField("is_referenced") private Boolean isReferenced;
        public Boolean getIsReferenced() { return isReferenced; }
        public void setIsReferenced(Boolean v) { isReferenced = v; }
    }

    public static class CategoryAddResponse extends TaobaoResponse {
        @ApiField("picture_category") private PictureCategory pictureCategory;
        public PictureCategory getPictureCategory() { return pictureCategory; }
        public void setPictureCategory(PictureCategory v) { pictureCategory = v; }
    }

    public static class CategoryGetResponse extends TaobaoResponse {
        @ApiListField("picture_categories") @ApiField("picture_category") private List<PictureCategory> pictureCategories;
        public List<PictureCategory> getPictureCategories() { return pictureCategories; }
        public void setPictureCategories(List<PictureCategory> v) { pictureCategories = v; }
    }

    public static class UserInfoGetResponse extends TaobaoResponse {
        @ApiField("user_info") private UserInfo userInfo;
        public UserInfo getUserInfo() { return userInfo; }
        public void setUserInfo(UserInfo v) { userInfo = v; }
    }
}
