package dev.picspace.topclient;

import com.taobao.api.TaobaoObject;
import com.taobao.api.internal.mapping.ApiField;

import java.util.Date;

/** com.taobao.api.domain.Picture as the official SDK defines it (top.md §6.1), written for tests. */
public class Picture extends TaobaoObject {
    @ApiField("picture_id") private Long pictureId;
    @ApiField("picture_category_id") private Long pictureCategoryId;
    @ApiField("picture_path") private String picturePath;
    @ApiField("title") private String title;
    @ApiField("sizes") private Long sizes;
    @ApiField("pixel") private String pixel;
    @ApiField("status") private String status;
    @ApiField("deleted") private String deleted;
    @ApiField("client_type") private String clientType;
    @ApiField("created") private Date created;
    @ApiField("modified") private Date modified;
    @ApiField("md5") private String md5;
    @ApiField("referenced") private Boolean referenced;

    public Long getPictureId() { return pictureId; }
    public void setPictureId(Long v) { pictureId = v; }
    public Long getPictureCategoryId() { return pictureCategoryId; }
    public void setPictureCategoryId(Long v) { pictureCategoryId = v; }
    public String getPicturePath() { return picturePath; }
    public void setPicturePath(String v) { picturePath = v; }
    public String getTitle() { return title; }
    public void setTitle(String v) { title = v; }
    public Long getSizes() { return sizes; }
    public void setSizes(Long v) { sizes = v; }
    public String getPixel() { return pixel; }
    public void setPixel(String v) { pixel = v; }
    public String getStatus() { return status; }
    public void setStatus(String v) { status = v; }
    public String getDeleted() { return deleted; }
    public void setDeleted(String v) { deleted = v; }
    public String getClientType() { return clientType; }
    public void setClientType(String v) { clientType = v; }
    public Date getCreated() { return created; }
    public void setCreated(Date v) { created = v; }
    public Date getModified() { return modified; }
    public void setModified(Date v) { modified = v; }
    public String getMd5() { return md5; }
    public void setMd5(String v) { md5 = v; }
    public Boolean getReferenced() { return referenced; }
    public void setReferenced(Boolean v) { referenced = v; }
}
